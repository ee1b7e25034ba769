import Escalation
import Foundation
import Logging
import ServiceLifecycle

/// Fires due deadlines: claims due flags under a lease, hands each to `handler` (which decides
/// and writes the escalation, releasing the lease), and sleeps until the nearest deadline or
/// the poll interval, whichever is sooner.
///
/// A worker that dies holding a lease loses it when the lease expires, and the flag is claimed
/// again; a flag whose write already happened is no longer due, so it is never fired twice.
public final class DeadlineScheduler: Service {
    public typealias Handler = @Sendable (Flag) async throws -> Void
    /// Handles a whole claimed batch at once (one ledger transaction for all of it).
    public typealias BatchHandler = @Sendable ([Flag]) async throws -> Void

    private let store: any LedgerStore
    private let leaseOwner: String
    private let batchSize: Int
    private let lease: Duration
    private let pollInterval: Duration
    private let now: @Sendable () -> Date
    private let clock: any Clock<Duration>
    private let handler: BatchHandler
    private let logger: Logger

    public init(
        store: any LedgerStore, leaseOwner: String, batchSize: Int = 500, lease: Duration = .seconds(30),
        pollInterval: Duration = .milliseconds(500), now: @escaping @Sendable () -> Date = { Date() },
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger, handler: @escaping Handler
    ) {
        self.store = store
        self.leaseOwner = leaseOwner
        self.batchSize = batchSize
        self.lease = lease
        self.pollInterval = pollInterval
        self.now = now
        self.clock = clock
        self.handler = { due in
            await withTaskGroup(of: Void.self) { group in
                for flag in due {
                    group.addTask {
                        do {
                            try await handler(flag)
                        } catch {
                            logger.error(
                                "deadline handling failed; retried after the lease expires",
                                metadata: ["flag_id": "\(flag.flagID)", "error": "\(error)"])
                        }
                    }
                }
            }
        }
        self.logger = logger
    }

    /// A scheduler that hands each claimed batch to `batchHandler` in one call. A failure of the
    /// batch is logged; its leases expire and the flags are claimed again.
    public init(
        store: any LedgerStore, leaseOwner: String, batchSize: Int = 500, lease: Duration = .seconds(30),
        pollInterval: Duration = .milliseconds(500), now: @escaping @Sendable () -> Date = { Date() },
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger, batchHandler: @escaping BatchHandler
    ) {
        self.store = store
        self.leaseOwner = leaseOwner
        self.batchSize = batchSize
        self.lease = lease
        self.pollInterval = pollInterval
        self.now = now
        self.clock = clock
        self.handler = batchHandler
        self.logger = logger
    }

    /// One round: claims what is due now and handles it. Returns how many flags were claimed.
    /// A handler failure is logged; the flag's lease expires and it is tried again.
    @discardableResult
    public func runOnce() async throws -> Int {
        let due = try await store.claimDueFlags(now: now(), limit: batchSize, leaseOwner: leaseOwner, leaseFor: lease)
        guard !due.isEmpty else { return 0 }
        do {
            try await handler(due)
        } catch {
            logger.error(
                "deadline batch failed; retried after the leases expire",
                metadata: ["count": "\(due.count)", "error": "\(error)"])
        }
        return due.count
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let claimed = try await self.runOnce()
                    if claimed >= self.batchSize { continue }
                    try await self.clock.sleep(for: try await self.pause())
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("scheduler round failed", metadata: ["error": "\(error)"])
                    try? await self.clock.sleep(for: self.pollInterval)
                }
            }
        }
    }

    /// Until the nearest deadline, at most the poll interval, at least 10 ms.
    private func pause() async throws -> Duration {
        guard let next = try await store.nextDeadline() else { return pollInterval }
        let wait = next.timeIntervalSince(now())
        guard wait > 0 else { return .milliseconds(10) }
        return min(pollInterval, .milliseconds(Int64(wait * 1000) + 1))
    }
}
