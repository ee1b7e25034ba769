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
    /// Whether this process's direct path still has the event in flight (handed to the broker,
    /// not yet acknowledged or failed): such events are left to it, whatever their age, instead
    /// of being sent a second time.
    private let inFlight: @Sendable (String) -> Bool
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
        inFlight: @escaping @Sendable (String) -> Bool = { _ in false }, logger: Logger,
        publisher: @escaping Publisher
    ) {
        self.store = store
        self.publisher = publisher
        self.inFlight = inFlight
        self.grace = grace
        self.interval = interval
        self.batchSize = batchSize
        self.now = now
        self.clock = clock
        self.logger = logger
    }

    /// What one round found pending and what it published.
    public struct Round: Sendable, Equatable {
        public var pending: Int
        public var relayed: Int
    }

    /// Publishes one batch of pending events not in flight here.
    @discardableResult
    public func relayOnce() async throws -> Round {
        let cutoff = now().addingTimeInterval(
            -(Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18))
        let pending = try await store.pendingOutbox(createdBefore: cutoff, limit: batchSize)
        let orphaned = pending.filter { !inFlight($0.id) }
        guard !orphaned.isEmpty else { return Round(pending: pending.count, relayed: 0) }
        let deliveries = try await publisher(orphaned)
        try await store.markPublished(deliveries, at: now())
        logger.info("relayed outbox events", metadata: ["count": "\(orphaned.count)"])
        return Round(pending: pending.count, relayed: orphaned.count)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    // A full batch may have more behind it, unless it was all still in flight.
                    let round = try await self.relayOnce()
                    if round.pending >= self.batchSize && round.relayed > 0 { continue }
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
