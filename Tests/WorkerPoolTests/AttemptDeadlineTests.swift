import Synchronization
import Testing

@testable import WorkerPool

/// The shared attempt timer, driven tick by tick, and the watch a worker runs a batch under.
@Suite struct AttemptDeadlineTests {
    /// Hands the test a continuation the watched body parks on, ignoring cancellation as a hung
    /// connection can.
    private struct Parking: Sendable {
        let stream: AsyncStream<CheckedContinuation<Void, Never>>
        let parked: AsyncStream<CheckedContinuation<Void, Never>>.Continuation

        init() { (stream, parked) = AsyncStream.makeStream() }

        func park() async { await withCheckedContinuation { parked.yield($0) } }

        func next() async -> CheckedContinuation<Void, Never>? {
            for await continuation in stream { return continuation }
            return nil
        }
    }

    @Test func anAttemptExpiresOnlyAfterMoreThanFourTicks() async throws {
        let deadline = AttemptDeadline(timeout: .seconds(60))
        let parking = Parking()
        let (afterExpiry, report) = AsyncStream<[Bool]>.makeStream()
        let run = Task {
            await deadline.watch { watch -> Int in
                #expect(watch.record(finished: true))
                #expect(watch.beginAttempt(.init(index: 1, number: 2, previousDelay: .seconds(1))))
                await parking.park()
                report.yield([watch.endAttempt(), watch.record(finished: true)])
                return 1
            }
        }
        let hung = await parking.next()
        for _ in 0..<AttemptDeadline.ticksPerTimeout { deadline.tick() }
        #expect(deadline.watchCount == 1)
        deadline.tick()
        #expect(deadline.watchCount == 0)
        let (end, value) = await run.value
        #expect(
            end
                == Watch.End(
                    reason: .expired, outcomes: [true], attempt: .init(index: 1, number: 2, previousDelay: .seconds(1)))
        )
        #expect(value == nil)
        hung?.resume()
        var calls: [Bool] = []
        for await reported in afterExpiry {
            calls = reported
            break
        }
        #expect(calls == [false, false], "the stuck body is told to stop")
    }

    @Test func timeBetweenAttemptsIsNotCounted() async throws {
        let deadline = AttemptDeadline(timeout: .seconds(60))
        let parking = Parking()
        let run = Task {
            await deadline.watch { watch -> Int in
                #expect(watch.beginAttempt(.init(index: 0, number: 1)))
                #expect(watch.endAttempt())
                // A retry delay or a DLQ send: not an attempt.
                await parking.park()
                #expect(watch.record(finished: true))
                return 7
            }
        }
        let waiting = await parking.next()
        for _ in 0...(3 * AttemptDeadline.ticksPerTimeout) { deadline.tick() }
        #expect(deadline.watchCount == 1)
        waiting?.resume()
        let (end, value) = await run.value
        #expect(end == Watch.End(reason: .completed, outcomes: [true]))
        #expect(value == 7)
        #expect(deadline.watchCount == 0)
    }

    @Test func cancellingTheWorkerEndsTheWatchAndCancelsTheBody() async throws {
        let deadline = AttemptDeadline(timeout: .seconds(60))
        let parking = Parking()
        let (cancellation, report) = AsyncStream<Bool>.makeStream()
        let run = Task {
            await deadline.watch { watch -> Int in
                #expect(watch.record(finished: false))
                #expect(watch.beginAttempt(.init(index: 1, number: 1)))
                await parking.park()
                report.yield(Task.isCancelled)
                return 0
            }
        }
        let hung = await parking.next()
        run.cancel()
        let (end, value) = await run.value
        #expect(end.reason == .cancelled)
        #expect(end.outcomes == [false])
        #expect(value == nil)
        hung?.resume()
        var bodyCancelled = false
        for await cancelled in cancellation {
            bodyCancelled = cancelled
            break
        }
        #expect(bodyCancelled)
        #expect(deadline.watchCount == 0)
    }
}
