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

/// Runs one handler attempt under a deadline.
enum AttemptDeadline {
    /// Runs `body` in a task of its own and returns its outcome, or throws `HandlerTimedOut` when
    /// `timeout` passes first. A late body is cancelled but not waited for: a body stuck in a
    /// call that ignores cancellation is left behind (handlers are idempotent, so its late
    /// effect, if any, is harmless) and the worker moves on.
    static func run(
        timeout: Duration, clock: any Clock<Duration>, _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        let outcome = Outcome()
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
                let timer = Task {
                    try await clock.sleep(for: timeout)
                    if outcome.finish(.failure(HandlerTimedOut(timeout: timeout))) { work.cancel() }
                }
                outcome.onFinish { work.cancel() }
                outcome.onFinish { timer.cancel() }
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
