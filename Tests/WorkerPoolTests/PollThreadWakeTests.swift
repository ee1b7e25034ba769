import KafkaClient
import Testing

@testable import WorkerPool

/// When a finishing worker wakes the waiting poll thread: for room only once a poll's worth is
/// free, for a flow action or a stop at once, and for every finish while it waits for a drain.
@Suite struct PollThreadWakeTests {
    typealias State = WorkerPool<NoopHandler>.SharedState

    struct NoopHandler: RecordHandler {
        func decode(_ record: KafkaRecord) throws {}
        func handle(_ message: Void, record: KafkaRecord) async throws {}
    }

    static let partition = TopicPartition(topic: "t", partition: 0)

    /// A running pool bounded at 10 records with `held` of them admitted.
    static func state(holding held: Int) -> State {
        var core = PoolCore(maxInFlight: 10, resumeAt: nil)
        _ = core.assign([partition])
        _ = core.admit(
            (0..<held).map { KafkaRecord(topic: "t", partition: 0, offset: Int64($0), key: [UInt8($0)], value: nil) })
        var state = State(core: core)
        state.phase = .running
        return state
    }

    @Test func aPollThreadWaitingForRoomWakesOnceThereIsAPollsWorth() {
        var state = Self.state(holding: 10)
        #expect(!state.pollThreadHasWork, "not waiting: nothing to wake")
        state.pollThreadWaiting = true
        state.pollThreadRoomWanted = 3
        var finished = 0
        while !state.pollThreadHasWork, let job = state.core.nextJob() {
            _ = state.core.complete(job)
            finished += 1
        }
        #expect(finished == 3, "woken at the third free slot, not the first")
    }

    @Test func flowActionsStopsAndDrainsWakeItAtOnce() {
        var waiting = Self.state(holding: 10)
        waiting.pollThreadWaiting = true
        waiting.pollThreadRoomWanted = 5
        #expect(!waiting.pollThreadHasWork)

        var flow = waiting
        flow.pendingFlow.append(.resume([Self.partition]))
        #expect(flow.pollThreadHasWork)

        var stopping = waiting
        stopping.phase = .stopping(abandon: false)
        #expect(stopping.pollThreadHasWork)

        var draining = waiting
        draining.pollThreadRoomWanted = 0
        #expect(draining.pollThreadHasWork)
    }
}
