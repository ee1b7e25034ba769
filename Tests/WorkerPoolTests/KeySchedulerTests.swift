import KafkaClient
import Testing

@testable import WorkerPool

@Suite struct KeySchedulerTests {
    typealias Scheduler = KeyScheduler<String>
    private let p0 = TopicPartition(topic: "t", partition: 0)
    private let p1 = TopicPartition(topic: "t", partition: 1)

    private func key(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func scheduler(max: Int = 100, resumeAt: Int? = nil) -> Scheduler {
        var scheduler = Scheduler(maxInFlight: max, resumeAt: resumeAt)
        _ = scheduler.assign([p0, p1])
        return scheduler
    }

    private func drainReady(_ scheduler: inout Scheduler) -> [Scheduler.Job] {
        var jobs: [Scheduler.Job] = []
        while let job = scheduler.nextReady() { jobs.append(job) }
        return jobs
    }

    @Test func recordsWithTheSameKeyRunOneAtATimeInOrder() {
        var scheduler = scheduler()
        for item in ["a1", "a2", "a3"] { _ = scheduler.admit(item, partition: p0, key: key("a")) }
        var order: [String] = []
        while let job = scheduler.nextReady() {
            #expect(take(scheduler.nextReady() == nil), "a second record of the key must wait")
            order.append(job.item)
            _ = scheduler.complete(job.ticket)
        }
        #expect(order == ["a1", "a2", "a3"])
        #expect(scheduler.inFlight == 0)
    }

    @Test func differentKeysRunConcurrently() {
        var scheduler = scheduler()
        _ = scheduler.admit("a1", partition: p0, key: key("a"))
        _ = scheduler.admit("b1", partition: p0, key: key("b"))
        _ = scheduler.admit("a2", partition: p0, key: key("a"))
        _ = scheduler.admit("c1", partition: p1, key: key("c"))
        #expect(drainReady(&scheduler).map(\.item) == ["a1", "b1", "c1"])
        #expect(scheduler.running(in: p0) == 2)
        #expect(scheduler.held(in: p0) == 3)
    }

    @Test func recordsWithoutAKeyAreOrderedPerPartition() {
        var scheduler = scheduler()
        _ = scheduler.admit("x1", partition: p0, key: nil)
        _ = scheduler.admit("y1", partition: p1, key: nil)
        _ = scheduler.admit("x2", partition: p0, key: nil)
        let first = drainReady(&scheduler)
        #expect(first.map(\.item) == ["x1", "y1"])
        _ = scheduler.complete(first[0].ticket)
        #expect(drainReady(&scheduler).map(\.item) == ["x2"])
    }

    @Test func theSameKeyInTwoPartitionsIsTwoLanes() {
        var scheduler = scheduler()
        _ = scheduler.admit("a@0", partition: p0, key: key("a"))
        _ = scheduler.admit("a@1", partition: p1, key: key("a"))
        #expect(drainReady(&scheduler).count == 2)
    }

    @Test func anEmptyKeyIsAKeyDistinctFromNoKey() {
        var scheduler = scheduler()
        _ = scheduler.admit("empty", partition: p0, key: [])
        _ = scheduler.admit("none", partition: p0, key: nil)
        #expect(drainReady(&scheduler).count == 2)
    }

    @Test func reachingTheBoundPausesEveryAssignedPartitionOnce() {
        var scheduler = scheduler(max: 3)
        #expect(take(scheduler.admit("1", partition: p0, key: key("a")).action == nil))
        #expect(take(scheduler.admit("2", partition: p0, key: key("b")).action == nil))
        #expect(scheduler.capacity == 1)
        #expect(take(scheduler.admit("3", partition: p1, key: key("c")).action == .pause([p0, p1])))
        #expect(scheduler.isPaused)
        #expect(scheduler.capacity == 0)
        // Records already polled are still admitted past the bound, without a second pause.
        #expect(take(scheduler.admit("4", partition: p1, key: key("d")) == (true, nil)))
        #expect(scheduler.inFlight == 4)
    }

    @Test func pausedPartitionsResumeOnlyAtTheLowWaterMark() {
        var scheduler = scheduler(max: 4, resumeAt: 1)
        for (index, name) in ["a", "b", "c", "d"].enumerated() {
            _ = scheduler.admit("\(index)", partition: p0, key: key(name))
        }
        #expect(scheduler.isPaused)
        let jobs = drainReady(&scheduler)
        #expect(take(scheduler.complete(jobs[0].ticket) == (true, nil)))
        #expect(take(scheduler.complete(jobs[1].ticket) == (true, nil)))
        #expect(take(scheduler.complete(jobs[2].ticket) == (true, .resume([p0, p1]))))
        #expect(!scheduler.isPaused)
        #expect(take(scheduler.complete(jobs[3].ticket) == (true, nil)))
    }

    @Test func theLowWaterMarkDefaultsToHalfAndStaysBelowTheBound() {
        #expect(Scheduler(maxInFlight: 10).resumeAt == 5)
        #expect(Scheduler(maxInFlight: 10, resumeAt: 50).resumeAt == 9)
        #expect(Scheduler(maxInFlight: 1).resumeAt == 0)
    }

    @Test func partitionsAssignedWhilePausedArePausedAndOthersResumed() {
        var scheduler = Scheduler(maxInFlight: 1)
        #expect(take(scheduler.assign([p0]) == .resume([p0])))
        _ = scheduler.admit("1", partition: p0, key: nil)
        #expect(take(scheduler.assign([p1]) == .pause([p1])))
        #expect(take(scheduler.assign([p1]) == nil), "already assigned")
    }

    @Test func recordsOfUnassignedPartitionsAreRefused() {
        var scheduler = Scheduler(maxInFlight: 10)
        #expect(take(scheduler.admit("1", partition: p0, key: nil) == (false, nil)))
        #expect(scheduler.inFlight == 0)
    }

    @Test func stopTakingDropsQueuedRecordsButLetsRunningOnesComplete() {
        var scheduler = scheduler()
        _ = scheduler.admit("a1", partition: p0, key: key("a"))
        _ = scheduler.admit("a2", partition: p0, key: key("a"))
        _ = scheduler.admit("b1", partition: p0, key: key("b"))
        _ = scheduler.admit("c1", partition: p1, key: key("c"))
        let running = scheduler.nextReady()!  // a1
        #expect(running.item == "a1")
        let (dropped, _) = scheduler.stopTaking([p0])
        #expect(dropped == 2)  // a2 queued, b1 ready
        #expect(scheduler.running(in: p0) == 1)
        #expect(scheduler.held(in: p0) == 1)
        #expect(!scheduler.isAccepting(p0))
        #expect(take(scheduler.admit("late", partition: p0, key: key("a")).admitted == false))
        #expect(take(scheduler.complete(running.ticket).live))
        #expect(scheduler.running(in: p0) == 0)
        #expect(drainReady(&scheduler).map(\.item) == ["c1"], "a2 must not start after a1")
        #expect(scheduler.inFlight == 1)
    }

    @Test func removedPartitionsIgnoreLaterCompletionsEvenWhenReassigned() {
        var scheduler = scheduler()
        _ = scheduler.admit("a1", partition: p0, key: key("a"))
        let stale = scheduler.nextReady()!
        #expect(take(scheduler.remove([p0]).dropped == 1))
        #expect(scheduler.inFlight == 0)
        _ = scheduler.assign([p0])
        _ = scheduler.admit("a1-again", partition: p0, key: key("a"))
        let fresh = scheduler.nextReady()!
        #expect(take(scheduler.complete(stale.ticket) == (false, nil)))
        #expect(scheduler.running(in: p0) == 1)
        #expect(take(scheduler.complete(fresh.ticket).live))
        #expect(scheduler.inFlight == 0)
    }

    @Test func removingPartitionsCanEndBackPressureForTheOthers() {
        var scheduler = scheduler(max: 2, resumeAt: 0)
        _ = scheduler.admit("1", partition: p0, key: nil)
        #expect(take(scheduler.admit("2", partition: p0, key: key("k")).action == .pause([p0, p1])))
        #expect(take(scheduler.remove([p0]) == (2, .resume([p1]))))
    }

    @Test func stopTakingDuringBackPressureResumesOnlyTheKeptPartitions() {
        var scheduler = scheduler(max: 2, resumeAt: 0)
        _ = scheduler.admit("1", partition: p0, key: nil)
        _ = scheduler.admit("2", partition: p0, key: key("k"))
        #expect(take(scheduler.stopTaking([p0]) == (2, .resume([p1]))))
    }

    @Test func completingTheSameTicketTwiceCountsOnce() {
        var scheduler = scheduler()
        _ = scheduler.admit("1", partition: p0, key: nil)
        let job = scheduler.nextReady()!
        #expect(take(scheduler.complete(job.ticket).live))
        #expect(take(!scheduler.complete(job.ticket).live))
        #expect(scheduler.inFlight == 0)
    }

    @Test func aTicketNotYetTakenCannotComplete() {
        var scheduler = scheduler()
        _ = scheduler.admit("a1", partition: p0, key: key("a"))
        _ = scheduler.admit("a2", partition: p0, key: key("a"))
        let first = scheduler.nextReady()!
        _ = scheduler.complete(first.ticket)
        // a2 is ready under the same lane; completing before taking it does nothing.
        #expect(take(!scheduler.complete(first.ticket).live))
        #expect(take(scheduler.nextReady()?.item == "a2"))
    }
}
