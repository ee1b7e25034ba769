import Synchronization

/// Counts completions; remembers when the first arrived and resumes a waiter when the count
/// reaches the target, with the time from the first completion to the target-th (and the
/// process CPU time spent in between).
final class ProgressCounter: Sendable {
    private struct State {
        var count = 0
        var first: ContinuousClock.Instant?
        var cpuAtFirst: Duration?
        var cpu: Duration?
        var elapsed: Duration?
        var waiter: CheckedContinuation<Duration, Never>?
        /// Set when a timed wait gave up: a waiter arriving later returns at once.
        var gaveUp = false
    }

    private let target: Int
    private let state = Mutex(State())

    init(target: Int) { self.target = target }

    var count: Int { state.withLock { $0.count } }

    /// Process CPU time from the first completion to the target-th (nil before the target).
    var cpuUntilTarget: Duration? { state.withLock { $0.cpu } }

    func increment(by amount: Int = 1) {
        let done = state.withLock { state -> (CheckedContinuation<Duration, Never>, Duration)? in
            if state.first == nil {
                state.first = .now
                state.cpuAtFirst = ProcessCPUTime.now()
            }
            let before = state.count
            state.count += amount
            guard before < target, state.count >= target, let first = state.first else { return nil }
            let elapsed = ContinuousClock.now - first
            state.cpu = state.cpuAtFirst.map { ProcessCPUTime.now() - $0 }
            state.elapsed = elapsed
            defer { state.waiter = nil }
            return state.waiter.map { ($0, elapsed) }
        }
        if let (waiter, elapsed) = done { waiter.resume(returning: elapsed) }
    }

    /// Waits until the target is reached and returns the first-to-target time.
    func waitForTarget() async -> Duration {
        await withCheckedContinuation { continuation in
            let elapsed = state.withLock { state -> Duration? in
                if let elapsed = state.elapsed { return elapsed }
                if state.gaveUp { return .zero }
                state.waiter = continuation
                return nil
            }
            if let elapsed { continuation.resume(returning: elapsed) }
        }
    }

    /// Like `waitForTarget()`, but gives up after `timeout` with an error naming the count
    /// reached: a run that loses a record fails with the evidence instead of hanging.
    func waitForTarget(timeout: Duration, what: String) async throws -> Duration {
        try await withThrowingTaskGroup(of: Duration?.self) { group in
            group.addTask { await self.waitForTarget() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            guard let elapsed = first else {
                // Resume the other child's waiter, installed or still to come, so the group can end.
                let waiter = state.withLock { state in
                    state.gaveUp = true
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume(returning: .zero)
                throw TargetMissed(what: what, reached: count, target: target, timeout: timeout)
            }
            group.cancelAll()
            return elapsed
        }
    }

    struct TargetMissed: Error, CustomStringConvertible {
        var what: String
        var reached: Int
        var target: Int
        var timeout: Duration
        var description: String { "\(what): \(reached) of \(target) within \(timeout)" }
    }
}
