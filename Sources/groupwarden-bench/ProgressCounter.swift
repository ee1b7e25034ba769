import Synchronization

/// Counts completions; remembers when the first arrived and resumes a waiter when the count
/// reaches the target, with the time from the first completion to the target-th.
final class ProgressCounter: Sendable {
    private struct State {
        var count = 0
        var first: ContinuousClock.Instant?
        var elapsed: Duration?
        var waiter: CheckedContinuation<Duration, Never>?
    }

    private let target: Int
    private let state = Mutex(State())

    init(target: Int) { self.target = target }

    var count: Int { state.withLock { $0.count } }

    func increment(by amount: Int = 1) {
        let done = state.withLock { state -> (CheckedContinuation<Duration, Never>, Duration)? in
            if state.first == nil { state.first = .now }
            let before = state.count
            state.count += amount
            guard before < target, state.count >= target, let first = state.first else { return nil }
            let elapsed = ContinuousClock.now - first
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
                state.waiter = continuation
                return nil
            }
            if let elapsed { continuation.resume(returning: elapsed) }
        }
    }
}
