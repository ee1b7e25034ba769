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

/// Watches handler attempts for every worker of a pool, with one timer task.
///
/// A worker runs a whole batch of jobs in one task of its own under a `Watch`, marking each
/// attempt's start and end on it; one loop ticks four times per timeout and expires a watch whose
/// current attempt has seen more than four ticks, so an attempt times out after between one and
/// one and a quarter `timeout`s. The worker then takes the batch back where it stopped (the
/// expired attempt failed with `HandlerTimedOut`) and leaves the stuck task behind, cancelled:
/// handlers are idempotent, so its late effect, if any, is harmless.
///
/// A task per batch rather than per attempt: spawning one and waiting for it costs two thread
/// hand-offs, which at one per record were a third of a busy worker's CPU.
final class AttemptDeadline: Sendable {
    static let ticksPerTimeout = 4

    private struct State {
        var nextID = 0
        var watches: [Int: Watch] = [:]
    }

    let timeout: Duration
    private let state = Mutex(State())

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// Watches registered and not yet over.
    var watchCount: Int { state.withLock { $0.watches.count } }

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

    /// Ages the running attempt of every watch by one tick and expires those past the timeout.
    func tick() {
        let expired = state.withLock { state -> [Watch] in
            let expired = state.watches.values.filter { $0.tick(limit: Self.ticksPerTimeout) }
            for watch in expired { state.watches.removeValue(forKey: watch.id) }
            return expired
        }
        for watch in expired { watch.end(.expired) }
    }

    /// Runs `body` in a task of its own under a new watch and returns how the watch ended, with
    /// the body's value when it completed. Returns early when an attempt expires or the calling
    /// task is cancelled; the body's task is then cancelled and not waited for.
    func watch<Value: Sendable>(_ body: @escaping @Sendable (Watch) async -> Value) async -> (Watch.End, Value?) {
        let watch = state.withLock { state -> Watch in
            defer { state.nextID &+= 1 }
            let watch = Watch(id: state.nextID, timeout: timeout)
            state.watches[watch.id] = watch
            return watch
        }
        defer { _ = state.withLock { $0.watches.removeValue(forKey: watch.id) } }
        let box = ValueBox<Value>()
        let end = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Watch.End, Never>) in
                watch.install(continuation)
                let work = Task {
                    let value = await body(watch)
                    box.value.withLock { $0 = value }
                    watch.end(.completed)
                }
                watch.onEnd { work.cancel() }
            }
        } onCancel: {
            watch.end(.cancelled)
        }
        return (end, end.reason == .completed ? box.value.withLock { $0 } : nil)
    }

    private final class ValueBox<Value: Sendable>: Sendable {
        let value = Mutex<Value?>(nil)
    }
}

/// One batch run, shared between the task running it and the deadline. Every call after the
/// watch is over returns false: the running task must stop at once and touch nothing (the
/// worker has taken its jobs back).
final class Watch: Sendable {
    /// The attempt a watch stopped at, for the worker to resume from.
    struct Attempt: Sendable, Equatable {
        /// Position of the job in the watched batch.
        var index: Int
        /// Its attempt number (1 for the first).
        var number: Int
        /// The retry delay before it, when it was a retry.
        var previousDelay: Duration?
    }

    enum Reason: Sendable, Equatable {
        case completed, expired, cancelled
    }

    struct End: Sendable, Equatable {
        var reason: Reason
        /// Per job, in order, for those the body got through before the end: true when finished
        /// (handled or dead-lettered), false when abandoned.
        var outcomes: [Bool]
        /// The attempt running at the end, if any (set when expired).
        var attempt: Attempt?
    }

    private struct State {
        var attempt: Attempt?
        var ticks = 0
        var outcomes: [Bool] = []
        var end: End?
        var continuation: CheckedContinuation<End, Never>?
        var cleanups: [@Sendable () -> Void] = []
    }

    let id: Int
    let timeout: Duration
    private let state = Mutex(State())

    init(id: Int, timeout: Duration) {
        self.id = id
        self.timeout = timeout
    }

    /// Marks an attempt as running (the deadline counts its ticks).
    func beginAttempt(_ attempt: Attempt) -> Bool {
        state.withLock { state in
            guard state.end == nil else { return false }
            state.attempt = attempt
            state.ticks = 0
            return true
        }
    }

    /// Marks the running attempt as returned (retry delays and DLQ sends are not timed).
    func endAttempt() -> Bool {
        state.withLock { state in
            guard state.end == nil else { return false }
            state.attempt = nil
            return true
        }
    }

    /// Records the next job's outcome: finished (true) or abandoned (false).
    func record(finished: Bool) -> Bool {
        state.withLock { state in
            guard state.end == nil else { return false }
            state.outcomes.append(finished)
            return true
        }
    }

    /// One tick: true when the running attempt has now outlived the limit.
    fileprivate func tick(limit: Int) -> Bool {
        state.withLock { state in
            guard state.end == nil, state.attempt != nil else { return false }
            state.ticks += 1
            return state.ticks > limit
        }
    }

    fileprivate func install(_ continuation: CheckedContinuation<End, Never>) {
        let early = state.withLock { state -> End? in
            if let end = state.end { return end }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    /// Runs `cleanup` once the watch is over (at once if it already is).
    fileprivate func onEnd(_ cleanup: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.end != nil { return true }
            state.cleanups.append(cleanup)
            return false
        }
        if now { cleanup() }
    }

    /// Ends the watch for `reason` unless it is over already (the first end wins).
    fileprivate func end(_ reason: Reason) {
        let taken = state.withLock { state -> (End, CheckedContinuation<End, Never>?, [@Sendable () -> Void])? in
            guard state.end == nil else { return nil }
            let end = End(reason: reason, outcomes: state.outcomes, attempt: state.attempt)
            state.end = end
            defer {
                state.continuation = nil
                state.cleanups = []
            }
            return (end, state.continuation, state.cleanups)
        }
        guard let (end, continuation, cleanups) = taken else { return }
        continuation?.resume(returning: end)
        for cleanup in cleanups { cleanup() }
    }
}
