import ArgumentParser
import Escalation
import Foundation
import Ledger
import Logging

/// `groupwarden-bench ledger`: how fast due deadlines are claimed and recorded, and how late.
///
/// 1. Backlog: `--flags` open flags, all already due; `--workers` schedulers claim batches
///    under leases and record each batch's escalations (chain decision, flag write, outbox
///    event, lease release) in one transaction, as the service does. Prints flags per second.
/// 2. Lag: `--lag-flags` flags due over the next `--lag-seconds`; one scheduler polls every
///    100 ms and the lag of each escalation behind its due time is measured (p50, p99, max).
struct LedgerBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Deadline claim/record rate and lag for a ledger store.")

    @Option(help: "sqlite or postgres") var store = "sqlite"
    @Option(help: "PostgreSQL URL (an empty database is created in it)") var url: String?
    @Option(help: "Open, due flags in the backlog run") var flags = 1_000_000
    @Option(help: "Concurrent schedulers") var workers = 4
    @Option(help: "Flags claimed per round") var batch = 500
    @Option(help: "Flags in the lag run") var lagFlags = 20_000
    @Option(help: "Seconds over which the lag run's deadlines fall due") var lagSeconds = 10.0

    func run() async throws {
        let logger = Logger(label: "bench")
        let ledger = try await makeStore(logger: logger)
        try await ledger.migrate()
        let chain = ResponsibilityChain()
        let base = Date().addingTimeInterval(-7200)

        let insertStart = ContinuousClock.now
        try await insert(count: flags, prefix: "b", into: ledger, chain: chain, raisedAt: { _ in base })
        let insertTime = ContinuousClock.now - insertStart
        print("inserted \(flags) open flags in \(format(insertTime)) (\(rate(flags, insertTime))/s)")

        let claimStart = ContinuousClock.now
        let handled = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var count = 0
                    while true {
                        let due = try await ledger.claimDueFlags(
                            now: Date(), limit: batch, leaseOwner: "w\(worker)", leaseFor: .seconds(60))
                        if due.isEmpty { return count }
                        _ = try await ledger.write(escalations(due, chain: chain, leaseOwner: "w\(worker)"))
                        count += due.count
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let claimTime = ContinuousClock.now - claimStart
        print(
            "backlog: claimed and recorded \(handled) due flags in \(format(claimTime)) = \(rate(handled, claimTime)) flags/s (\(workers) schedulers, batch \(batch))"
        )

        // Lag: deadlines falling due over the next seconds.
        let lagStore = try await makeStore(logger: logger)
        try await lagStore.migrate()
        let highDeadline = ResponsibilityChain().policy.ownerDeadlines[.high]!
        let start = Date().addingTimeInterval(1)
        try await insert(count: lagFlags, prefix: "l", into: lagStore, chain: chain) { index in
            start.addingTimeInterval(lagSeconds * Double(index) / Double(lagFlags) - highDeadline.seconds)
        }
        var lags: [Double] = []
        let stopAt = start.addingTimeInterval(lagSeconds + 5)
        while lags.count < lagFlags, Date() < stopAt {
            let due = try await lagStore.claimDueFlags(
                now: Date(), limit: batch, leaseOwner: "lag", leaseFor: .seconds(60))
            _ = try await lagStore.write(escalations(due, chain: chain, leaseOwner: "lag"))
            let recorded = Date()
            lags += due.map { recorded.timeIntervalSince($0.deadline!) }
            if due.count < batch { try await Task.sleep(for: .milliseconds(100)) }
        }
        lags.sort()
        func pct(_ p: Double) -> String {
            lags.isEmpty
                ? "-" : String(format: "%.0f ms", lags[min(lags.count - 1, Int(Double(lags.count) * p))] * 1000)
        }
        print(
            "lag: \(lags.count)/\(lagFlags) deadlines fired; behind due time p50 \(pct(0.5)), p99 \(pct(0.99)), max \(pct(1.0))"
        )
    }

    private func makeStore(logger: Logger) async throws -> any LedgerStore {
        switch store {
        case "sqlite":
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "bench-\(UUID().uuidString).sqlite"
            ).path
            return try SQLiteLedgerStore(path: path, logger: logger)
        case "postgres":
            guard let url, var parts = URLComponents(string: url) else {
                throw ValidationError("--url is required for postgres")
            }
            let name = "bench_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await PostgresLedgerStore(url: url, logger: logger).execute(.init(unsafeSQL: "CREATE DATABASE \(name)"))
            parts.path = "/\(name)"
            return try PostgresLedgerStore(url: parts.string!, logger: logger)
        default: throw ValidationError("--store is sqlite or postgres")
        }
    }

    private func insert(
        count: Int, prefix: String, into ledger: any LedgerStore, chain: ResponsibilityChain,
        raisedAt: @escaping @Sendable (Int) -> Date
    ) async throws {
        let snapshot = GroupSnapshot(ownerID: "owner", adminIDs: [], memberCount: 50)
        let finding = CategoryFinding(category: "fraud", score: 0.9, rules: ["r"], evidence: [.text(start: 0, end: 2)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            let lanes = 8
            for lane in 0..<lanes {
                group.addTask {
                    var changes: [LedgerChange] = []
                    for index in stride(from: lane, to: count, by: lanes) {
                        let message = FlaggedMessage(
                            messageID: "\(prefix)-\(index)", groupID: "g-\(index % 1000)", senderID: "s",
                            group: snapshot,
                            categories: [finding], severity: .high)
                        let decision = chain.raise(
                            message, existing: nil, groupIsPrimarilyIllegal: false, now: raisedAt(index))
                        changes.append(LedgerChange(flag: decision.flag, expectedVersion: nil, events: []))
                        if changes.count == 1000 {
                            _ = try await ledger.write(changes)
                            changes.removeAll(keepingCapacity: true)
                        }
                    }
                    _ = try await ledger.write(changes)
                }
            }
            try await group.waitForAll()
        }
    }

    /// The scheduler's write for a claimed batch: each flag's escalation with its event in the
    /// outbox (about the size the service writes), the lease released, one transaction.
    private func escalations(_ due: [Escalation.Flag], chain: ResponsibilityChain, leaseOwner: String) -> [LedgerChange]
    {
        let now = Date()
        return due.map { flag in
            let decision = chain.deadlineFired(flag, now: now)
            let events = decision.events.map { event in
                OutboxEvent(
                    id: event.id, topic: "moderation.escalations", key: flag.groupID,
                    payload: Array(repeating: 0x7B, count: 600), createdAt: now)
            }
            return LedgerChange(
                flag: decision.flag, expectedVersion: flag.version, events: events, releaseLeaseOf: leaseOwner)
        }
    }

    private func rate(_ count: Int, _ duration: Duration) -> String {
        String(format: "%.0f", Double(count) / max(duration.seconds, 1e-9))
    }

    private func format(_ duration: Duration) -> String { String(format: "%.2f s", duration.seconds) }
}
