import Foundation
import Synchronization

/// Runs blocking C calls (poll with timeout, flush, synchronous commit, admin waits) one at a
/// time, in submission order, on one dedicated OS thread, never on Swift's cooperative pool.
///
/// After `shutdown()` the thread finishes the jobs already queued and exits; later `run` calls
/// throw `BlockingExecutor.ShutDown`. Dropping the last reference also shuts it down.
public final class BlockingExecutor: Sendable {
    /// Thrown by `run` after `shutdown()`.
    public struct ShutDown: Error, Sendable, Hashable {}

    private typealias Job = @Sendable () -> Void
    private struct State {
        var jobs: [Job] = []
        var head = 0
        var isShutDown = false
    }

    /// Shared between the executor and its thread, so the thread never keeps the executor alive.
    private final class JobQueue: Sendable {
        let state = Mutex(State())
        let wakeUp = DispatchSemaphore(value: 0)
    }

    private let queue = JobQueue()

    /// Starts the thread, named `name` for debuggers and `top -H`.
    public init(name: String) {
        let thread = Thread { [queue] in
            Thread.current.name = name
            Thread.current.threadDictionary[BlockingExecutor.nameKey] = name
            BlockingExecutor.work(queue)
        }
        thread.start()
    }

    deinit {
        shutdown()
    }

    private static let nameKey = "GroupWarden.BlockingExecutor.name"

    /// The name of the executor whose thread is calling, nil on any other thread.
    public static var currentName: String? {
        Thread.current.threadDictionary[nameKey] as? String
    }

    /// Runs `body` on the executor's thread and returns its result. The calling task is
    /// suspended, not blocked; cancellation does not interrupt a running `body`.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = queue.state.withLock { state -> Bool in
                guard !state.isShutDown else { return false }
                state.jobs.append { continuation.resume(with: Result { try body() }) }
                return true
            }
            if accepted {
                queue.wakeUp.signal()
            } else {
                continuation.resume(throwing: ShutDown())
            }
        }
    }

    /// Stops accepting jobs; queued jobs still run, then the thread exits. Does not wait.
    public func shutdown() {
        let wasRunning = queue.state.withLock { state -> Bool in
            defer { state.isShutDown = true }
            return !state.isShutDown
        }
        if wasRunning { queue.wakeUp.signal() }
    }

    private static func work(_ queue: JobQueue) {
        while true {
            queue.wakeUp.wait()
            while true {
                let next = queue.state.withLock { state -> (job: Job?, stop: Bool) in
                    guard state.head < state.jobs.count else {
                        state.jobs.removeAll(keepingCapacity: true)
                        state.head = 0
                        return (nil, state.isShutDown)
                    }
                    defer { state.head += 1 }
                    // Take the job out: it (and whatever it captured, possibly this executor's
                    // owner) must be released after it ran, outside the lock, never by removeAll.
                    let job = state.jobs[state.head]
                    state.jobs[state.head] = {}
                    return (job, false)
                }
                guard let job = next.job else {
                    if next.stop { return }
                    break
                }
                job()
            }
        }
    }
}
