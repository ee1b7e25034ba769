import Synchronization

/// A handler attempt still running when `WorkerPoolConfiguration.handlerTimeout` ran out.
/// Retriable: a dependency that hangs (a database connection lost without a reset, a broker that
/// never answers) costs a retry instead of stalling the record's key, and with it its
/// partition's commits, forever.
public struct HandlerTimedOut: WorkerPoolFailure, Sendable, Equatable {
    public var timeout: Duration
    public var isRetriable: Bool { true }
    public var reason: String { "handler_timeout: no result after \(timeout)" }
}

/// Runs handler attempts under a deadline, for every worker of a pool, with one timer task.
///
/// A timer task per attempt (sleep, cancel) cost about a twentieth of a busy worker's CPU; here
/// an attempt only registers itself, and one loop ticks four times per timeout, expiring every
/// attempt that has seen more than four ticks. An attempt therefore times out after between
/// one and one and a quarter `timeout`s.
final class AttemptDeadline: Sendable {
    static let ticksPerTimeout = 4

    private struct Running {
        var ticks = 0
        let expire: @Sendable () -> Void
    }

    private struct State {
        var nextID = 0
        var running: [Int: Running] = [:]
    }

    let timeout: Duration
    private let state = Mutex(State())

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// Attempts registered and not yet finished or expired.
    var runningCount: Int { state.withLock { $0.running.count } }

    /// Ticks until cancelled (the pool runs it beside its workers).
    func run(clock: any Clock<Duration>) async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: timeout / Self.ticksPerTimeout)
            } catch {
                return
            }
            tick()
        }
    }

    /// Ages every running attempt by one tick and expires those past the timeout.
    func tick() {
        let expired = state.withLock { state -> [@Sendable () -> Void] in
            var expired: [@Sendable () -> Void] = []
            for (id, var running) in state.running {
                running.ticks += 1
                if running.ticks > Self.ticksPerTimeout {
                    state.running.removeValue(forKey: id)
                    expired.append(running.expire)
                } else {
                    state.running[id] = running
                }
            }
            return expired
        }
        for expire in expired { expire() }
    }

    /// Runs `body` in a task of its own and returns its outcome, or throws `HandlerTimedOut` when
    /// the deadline passes first. A late body is cancelled but not waited for: a body stuck in a
    /// call that ignores cancellation is left behind (handlers are idempotent, so its late
    /// effect, if any, is harmless) and the worker moves on.
    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let outcome = Outcome()
        let timeout = self.timeout
        let id = state.withLock { state -> Int in
            defer { state.nextID &+= 1 }
            state.running[state.nextID] = Running(
                expire: { outcome.finish(.failure(HandlerTimedOut(timeout: timeout))) })
            return state.nextID
        }
        defer { _ = state.withLock { $0.running.removeValue(forKey: id) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                outcome.install(continuation)
                let work = Task {
                    do {
                        try await body()
                        outcome.finish(.success(()))
                    } catch {
                        outcome.finish(.failure(error))
                    }
                }
                outcome.onFinish { work.cancel() }
            }
        } onCancel: {
            outcome.finish(.failure(CancellationError()))
        }
    }

    /// The first result wins; later ones are dropped.
    private final class Outcome: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Void, any Error>?
            var result: Result<Void, any Error>?
            var cleanups: [@Sendable () -> Void] = []
        }

        private let state = Mutex(State())

        func install(_ continuation: CheckedContinuation<Void, any Error>) {
            let early = state.withLock { state -> Result<Void, any Error>? in
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        /// Runs `cleanup` once the outcome is known (at once if it already is).
        func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
            let now = state.withLock { state -> Bool in
                if state.result != nil { return true }
                state.cleanups.append(cleanup)
                return false
            }
            if now { cleanup() }
        }

        /// Sets the outcome if none is set yet; true when this call set it.
        @discardableResult
        func finish(_ result: Result<Void, any Error>) -> Bool {
            let taken = state.withLock { state -> (CheckedContinuation<Void, any Error>?, [@Sendable () -> Void])? in
                guard state.result == nil else { return nil }
                state.result = result
                defer {
                    state.continuation = nil
                    state.cleanups = []
                }
                return (state.continuation, state.cleanups)
            }
            guard let (continuation, cleanups) = taken else { return false }
            continuation?.resume(with: result)
            for cleanup in cleanups { cleanup() }
            return true
        }
    }
}
