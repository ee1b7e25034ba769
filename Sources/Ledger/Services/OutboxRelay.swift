import Foundation
import Logging
import ServiceLifecycle

/// Publishes outbox events that the direct path did not (a crash between the ledger write and
/// the publish, a broker outage), then marks them published. At least once: ids are
/// deterministic, so a duplicate is harmless.
public final class OutboxRelay: Service {
    /// Publishes events and returns where the broker acknowledged each.
    public typealias Publisher = @Sendable ([OutboxEvent]) async throws -> [OutboxDelivery]

    private let store: any LedgerStore
    private let publisher: Publisher
    /// Events younger than this are left to the direct path.
    private let grace: Duration
    private let interval: Duration
    private let batchSize: Int
    private let now: @Sendable () -> Date
    private let clock: any Clock<Duration>
    private let logger: Logger

    public init(
        store: any LedgerStore, grace: Duration = .seconds(2), interval: Duration = .seconds(1), batchSize: Int = 500,
        now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger, publisher: @escaping Publisher
    ) {
        self.store = store
        self.publisher = publisher
        self.grace = grace
        self.interval = interval
        self.batchSize = batchSize
        self.now = now
        self.clock = clock
        self.logger = logger
    }

    /// Publishes one batch of pending events; returns how many.
    @discardableResult
    public func relayOnce() async throws -> Int {
        let cutoff = now().addingTimeInterval(-Double(grace.components.seconds))
        let pending = try await store.pendingOutbox(createdBefore: cutoff, limit: batchSize)
        guard !pending.isEmpty else { return 0 }
        let deliveries = try await publisher(pending)
        try await store.markPublished(deliveries, at: now())
        logger.info("relayed outbox events", metadata: ["count": "\(pending.count)"])
        return pending.count
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if try await self.relayOnce() >= self.batchSize { continue }
                    try await self.clock.sleep(for: self.interval)
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("outbox relay round failed", metadata: ["error": "\(error)"])
                    try? await self.clock.sleep(for: self.interval)
                }
            }
        }
    }
}
