import Synchronization
import Testing

@testable import WorkerPool

/// The shared attempt timer, driven tick by tick.
@Suite struct AttemptDeadlineTests {
    @Test func anAttemptExpiresOnlyAfterMoreThanFourTicks() async throws {
        let deadline = AttemptDeadline(timeout: .seconds(60))
        let (started, starting) = AsyncStream<CheckedContinuation<Void, Never>>.makeStream()
        let attempt = Task {
            try await deadline.run {
                // Ignores cancellation, as a hung connection can: the worker must not wait for it.
                await withCheckedContinuation { starting.yield($0) }
            }
        }
        var hung: CheckedContinuation<Void, Never>?
        for await continuation in started {
            hung = continuation
            break
        }
        for _ in 0..<AttemptDeadline.ticksPerTimeout { deadline.tick() }
        #expect(deadline.runningCount == 1)
        deadline.tick()
        #expect(deadline.runningCount == 0)
        await #expect(throws: HandlerTimedOut(timeout: .seconds(60))) { try await attempt.value }
        hung?.resume()
    }

    @Test func aFinishedAttemptLeavesNothingToExpireAndKeepsItsOutcome() async throws {
        struct Refused: Error {}
        let deadline = AttemptDeadline(timeout: .seconds(60))
        try await deadline.run {}
        await #expect(throws: Refused.self) { try await deadline.run { throw Refused() } }
        #expect(deadline.runningCount == 0)
        for _ in 0...AttemptDeadline.ticksPerTimeout { deadline.tick() }
    }
}
