import Escalation
import Foundation
import GRDB
import Logging

/// The embedded ledger: one SQLite file in WAL mode, for a single node.
///
/// Concurrent writes share transactions (``SQLiteGroupCommit``), each in its own savepoint, so a
/// write still applies or conflicts on its own. Deadline leases are still taken (so several schedulers in
/// one process, or a restarted one, never fire a flag twice), but SQLite's single writer is what
/// serialises them.
public final class SQLiteLedgerStore: LedgerStore {
    private let database: any DatabaseWriter
    private let groupCommit: SQLiteGroupCommit
    /// WAL checkpoints in the background (file databases only).
    let checkpointer: SQLiteCheckpointer?
    private let logger: Logger

    /// - Parameter path: a file path, or `:memory:` for a private in-memory database.
    public convenience init(path: String, logger: Logger) throws {
        try self.init(path: path, checkpointInterval: .seconds(1), logger: logger)
    }

    /// - Parameter checkpointInterval: least time between two background WAL checkpoints.
    init(path: String, checkpointInterval: Duration, logger: Logger) throws {
        self.logger = logger
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            if path == ":memory:" {
                database = try DatabaseQueue(configuration: configuration)
                checkpointer = nil
            } else {
                // Checkpoints run beside the writer, not inside its commits (see SQLiteCheckpointer).
                configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
                database = try DatabasePool(path: path, configuration: configuration)
                checkpointer = try SQLiteCheckpointer(path: path, interval: checkpointInterval)
            }
        } catch {
            throw LedgerError(code: "open_failed", message: "cannot open \(path): \(error)", isRetriable: false)
        }
        let checkpointer = self.checkpointer
        groupCommit = SQLiteGroupCommit(database: database, didCommit: { checkpointer?.wroteToLog() })
    }

    public func migrate() async throws {
        try SQLiteSchema.migrator.migrate(database)
    }

    static let encoder = LedgerBodyEncoder()
    static let decoder = JSONDecoder()

    public func flag(id: String) async throws -> Flag? {
        try readNow { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM flags WHERE flag_id = ?"), arguments: [id])
                .map { try Self.decoder.decode(Flag.self, from: $0) }
        }
    }

    /// A point read on the calling thread. GRDB's async read hops to a reader's queue and back
    /// (two thread wake-ups, ~100 µs measured on a busy two-core machine); a keyed lookup of one
    /// row in WAL mode never waits for the writer, so it runs here. Scans and anything long keep
    /// the async path.
    private func readNow<T>(_ read: (Database) throws -> T) throws -> T {
        try database.read(read)
    }

    public func write(_ change: LedgerChange) async throws -> LedgerWriteResult {
        let prepared = try PreparedChange(change)
        let now = Date().timeIntervalSince1970
        return try await groupCommit.write { db in try Self.apply(prepared, now: now, in: db) }
    }

    /// One transaction for the whole batch; each change inside its own savepoint, so a conflict
    /// or a replayed action undoes that change only.
    public func write(_ changes: [LedgerChange]) async throws -> [LedgerWriteResult] {
        let prepared = try changes.map(PreparedChange.init)
        let now = Date().timeIntervalSince1970
        defer { checkpointer?.wroteToLog() }
        return try await database.write { db in
            try prepared.map { change in
                var result = LedgerWriteResult.applied
                do {
                    try db.inSavepoint {
                        result = try Self.apply(change, now: now, in: db)
                        return result == .applied ? .commit : .rollback
                    }
                } catch is ConflictSignal {
                    result = .conflict
                }
                return result
            }
        }
    }

    /// A change with its JSON bodies encoded outside the database lock.
    struct PreparedChange: Sendable {
        var change: LedgerChange
        var flagBody: Data?
        var activityBody: Data?

        init(_ change: LedgerChange) throws {
            self.change = change
            flagBody = try change.flag.map { try SQLiteLedgerStore.encoder.encode($0) }
            activityBody = try change.groupActivity.map { try SQLiteLedgerStore.encoder.encode($0) }
        }
    }

    /// Applies one change; throws `ConflictSignal` when its flag write did not happen.
    static func apply(_ prepared: PreparedChange, now: Double, in db: Database) throws -> LedgerWriteResult {
        let change = prepared.change
        if let actionID = change.actionID {
            try db.cachedStatement(
                sql: "INSERT INTO actions(action_id, flag_id, recorded_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
            ).execute(arguments: [actionID, change.flag?.flagID, now])
            if db.changesCount == 0 { return .duplicateAction }
        }
        if let flag = change.flag, let flagBody = prepared.flagBody {
            let deadline = flag.deadline?.timeIntervalSince1970
            if let expected = change.expectedVersion {
                try db.cachedStatement(
                    sql: """
                        UPDATE flags SET status = ?, deadline_at = ?, version = ?, updated_at = ?, body = ?,
                            lease_owner = CASE WHEN lease_owner = ? THEN NULL ELSE lease_owner END,
                            lease_until = CASE WHEN lease_owner = ? THEN NULL ELSE lease_until END
                        WHERE flag_id = ? AND version = ?
                        """
                ).execute(arguments: [
                    flag.status.rawValue, deadline, flag.version, now, flagBody, change.releaseLeaseOf,
                    change.releaseLeaseOf, flag.flagID, expected,
                ])
            } else {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO flags(flag_id, message_id, group_id, status, deadline_at, version, raised_at,
                            updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """
                ).execute(arguments: [
                    flag.flagID, flag.messageID, flag.groupID, flag.status.rawValue, deadline, flag.version,
                    flag.raisedAt.timeIntervalSince1970, now, flagBody,
                ])
            }
            if db.changesCount == 0 {
                // Roll back the action row too: the change did not happen.
                throw ConflictSignal()
            }
        }
        for event in change.events {
            try db.cachedStatement(
                sql: """
                    INSERT INTO outbox(event_id, topic, event_key, payload, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """
            ).execute(arguments: [
                event.id, event.topic, event.key, Data(event.payload), event.createdAt.timeIntervalSince1970,
            ])
        }
        if let activity = change.groupActivity, let activityBody = prepared.activityBody {
            try saveBody(activityBody, table: "group_activity", key: "group_id", activity.groupID, in: db)
        }
        if let penalty = change.credit { try applyCredit(penalty, in: db) }
        return .applied
    }

    /// Lowers a user's stored rating inside the running transaction.
    static func applyCredit(_ penalty: CreditPenalty, in db: Database) throws {
        let stored = try body(CreditRating.self, table: "credit", key: "user_id", penalty.userID, in: db)
        try saveBody(
            try encoder.encode(penalty.applied(to: stored)), table: "credit", key: "user_id", penalty.userID, in: db)
    }

    /// The JSON body of one row of a table keyed by `key` (group statistics, snapshots, credit).
    static func body<T: Decodable>(_ type: T.Type, table: String, key: String, _ id: String, in db: Database)
        throws -> T?
    {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM \(table) WHERE \(key) = ?"), arguments: [id])
            .map { try decoder.decode(T.self, from: $0) }
    }

    /// Inserts or replaces the JSON body of one row of a table keyed by `key`.
    static func saveBody(_ body: Data, table: String, key: String, _ id: String, in db: Database) throws {
        try db.cachedStatement(
            sql:
                "INSERT INTO \(table)(\(key), body) VALUES (?, ?) ON CONFLICT(\(key)) DO UPDATE SET body = excluded.body"
        ).execute(arguments: [id, body])
    }

    public func claimDueFlags(now: Date, limit: Int, leaseOwner: String, leaseFor: Duration) async throws -> [Flag] {
        let at = now.timeIntervalSince1970
        let until = at + Double(leaseFor.components.seconds) + Double(leaseFor.components.attoseconds) / 1e18
        defer { checkpointer?.wroteToLog() }
        return try await database.write { db in
            let bodies = try Data.fetchAll(
                db,
                sql: """
                    UPDATE flags SET lease_owner = ?, lease_until = ?
                    WHERE flag_id IN (
                        SELECT flag_id FROM flags
                        WHERE deadline_at IS NOT NULL AND deadline_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                        ORDER BY deadline_at LIMIT ?)
                    RETURNING body
                    """,
                arguments: [leaseOwner, until, at, at, limit])
            return try bodies.map { try Self.decoder.decode(Flag.self, from: $0) }.sorted {
                ($0.deadline ?? .distantPast) < ($1.deadline ?? .distantPast)
            }
        }
    }

    public func nextDeadline() async throws -> Date? {
        try await database.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(CASE WHEN lease_until > deadline_at THEN lease_until ELSE deadline_at END)
                    FROM flags WHERE deadline_at IS NOT NULL
                    """
            )
            .map(Date.init(timeIntervalSince1970:))
        }
    }

    public func pendingOutbox(createdBefore: Date, limit: Int) async throws -> [OutboxEvent] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, topic, event_key, payload, created_at FROM outbox
                    WHERE published_at IS NULL AND created_at <= ? ORDER BY created_at, rowid LIMIT ?
                    """,
                arguments: [createdBefore.timeIntervalSince1970, limit]
            ).map { row in
                OutboxEvent(
                    id: row["event_id"], topic: row["topic"], key: row["event_key"],
                    payload: [UInt8]((row["payload"] as Data?) ?? Data()),
                    createdAt: Date(timeIntervalSince1970: row["created_at"]))
            }
        }
    }

    public func markPublished(_ deliveries: [OutboxDelivery], at: Date) async throws {
        guard !deliveries.isEmpty else { return }
        _ = try await groupCommit.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE outbox SET published_at = ?, delivered_partition = ?, delivered_offset = ?
                    WHERE event_id = ? AND published_at IS NULL
                    """)
            for delivery in deliveries {
                try statement.execute(arguments: [
                    at.timeIntervalSince1970, delivery.partition, delivery.offset, delivery.eventID,
                ])
            }
            return .applied
        }
    }

    public func deliveredEvents(limit: Int) async throws -> [DeliveredEvent] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, topic, event_key, payload, created_at, published_at, delivered_partition,
                        delivered_offset FROM outbox
                    WHERE published_at IS NOT NULL AND delivered_offset IS NOT NULL ORDER BY created_at, rowid LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in
                let id: String = row["event_id"]
                return DeliveredEvent(
                    event: OutboxEvent(
                        id: id, topic: row["topic"], key: row["event_key"],
                        payload: [UInt8]((row["payload"] as Data?) ?? Data()),
                        createdAt: Date(timeIntervalSince1970: row["created_at"])),
                    delivery: OutboxDelivery(
                        eventID: id, partition: row["delivered_partition"], offset: row["delivered_offset"]),
                    publishedAt: Date(timeIntervalSince1970: row["published_at"]))
            }
        }
    }

    public func groupActivity(_ groupID: String) async throws -> GroupActivity? {
        try await readBody(GroupActivity.self, table: "group_activity", key: "group_id", groupID)
    }

    public func groupSnapshot(_ groupID: String) async throws -> GroupSnapshot? {
        try await readBody(GroupSnapshot.self, table: "group_snapshots", key: "group_id", groupID)
    }

    public func groupState(_ groupID: String) async throws -> StoredGroupState {
        try readNow { db in
            StoredGroupState(
                snapshot: try Self.body(GroupSnapshot.self, table: "group_snapshots", key: "group_id", groupID, in: db),
                activity: try Self.body(GroupActivity.self, table: "group_activity", key: "group_id", groupID, in: db))
        }
    }

    public func saveGroupSnapshot(_ groupID: String, _ snapshot: GroupSnapshot) async throws {
        try await writeBody(snapshot, table: "group_snapshots", key: "group_id", groupID)
    }

    public func credit(_ userID: String) async throws -> CreditRating? {
        try await readBody(CreditRating.self, table: "credit", key: "user_id", userID)
    }

    public func saveCredit(_ userID: String, _ rating: CreditRating) async throws {
        try await writeBody(rating, table: "credit", key: "user_id", userID)
    }

    public func flags(groupID: String) async throws -> [Flag] {
        try await database.read { db in
            try Data.fetchAll(
                db, sql: "SELECT body FROM flags WHERE group_id = ? ORDER BY raised_at, flag_id", arguments: [groupID]
            )
            .map { try Self.decoder.decode(Flag.self, from: $0) }
        }
    }

    public func overdueCount(now: Date) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM flags WHERE deadline_at IS NOT NULL AND deadline_at <= ?",
                arguments: [now.timeIntervalSince1970]) ?? 0
        }
    }

    public func purge(before cutoff: Date) async throws -> Int {
        let at = cutoff.timeIntervalSince1970
        defer { checkpointer?.wroteToLog() }
        return try await database.write { db in
            try db.execute(
                sql:
                    "DELETE FROM actions WHERE flag_id IN (SELECT flag_id FROM flags WHERE deadline_at IS NULL AND updated_at < ?)",
                arguments: [at])
            try db.execute(sql: "DELETE FROM flags WHERE deadline_at IS NULL AND updated_at < ?", arguments: [at])
            let flags = db.changesCount
            try db.execute(sql: "DELETE FROM outbox WHERE published_at IS NOT NULL AND created_at < ?", arguments: [at])
            return flags
        }
    }

    private func readBody<T: Decodable & Sendable>(_ type: T.Type, table: String, key: String, _ id: String)
        async throws -> T?
    {
        try readNow { db in try Self.body(T.self, table: table, key: key, id, in: db) }
    }

    private func writeBody<T: Encodable & Sendable>(_ value: T, table: String, key: String, _ id: String) async throws {
        let body = try Self.encoder.encode(value)
        _ = try await groupCommit.write { db in
            try Self.saveBody(body, table: table, key: key, id, in: db)
            return .applied
        }
    }
}

/// Thrown inside a write transaction to roll it back when an optimistic check fails.
struct ConflictSignal: Error {}
