import Foundation
import Logging
import ServiceLifecycle

/// Deletes closed flags (and their actions and published events) older than the retention
/// period, once a day. Records are kept at least `retention` (default 180 days, the
/// Regulations' six months of logs).
public final class RetentionPurge: Service {
    private let store: any LedgerStore
    private let retention: Duration
    private let interval: Duration
    private let now: @Sendable () -> Date
    private let clock: any Clock<Duration>
    private let logger: Logger

    public init(
        store: any LedgerStore, retention: Duration = .seconds(180 * 86_400), interval: Duration = .seconds(86_400),
        now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.now = now
        self.clock = clock
        self.logger = logger
    }

    @discardableResult
    public func purgeOnce() async throws -> Int {
        let removed = try await store.purge(before: now().addingTimeInterval(-Double(retention.components.seconds)))
        if removed > 0 { logger.info("purged expired flags", metadata: ["count": "\(removed)"]) }
        return removed
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.purgeOnce()
                    try await self.clock.sleep(for: self.interval)
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("retention purge failed", metadata: ["error": "\(error)"])
                    try? await self.clock.sleep(for: self.interval)
                }
            }
        }
    }
}
