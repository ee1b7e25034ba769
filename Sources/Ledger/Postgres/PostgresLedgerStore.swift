import Escalation
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The shared ledger for many workers: PostgreSQL 15. Due deadlines are claimed with
/// `FOR UPDATE SKIP LOCKED` and a lease, so workers never fire the same flag and a dead worker's
/// claims come back when its lease expires.
public final class PostgresLedgerStore: LedgerStore {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger

    /// `url`: `postgres://USER:PASS@HOST:PORT/DB`.
    public init(url: String, logger: Logger) throws {
        guard let parts = URLComponents(string: url), let host = parts.host, let user = parts.user else {
            throw LedgerError(
                code: "bad_url", message: "expected postgres://USER:PASS@HOST:PORT/DB", isRetriable: false)
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        var configuration = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        configuration.options.maximumConnections = 8
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    static let encoder = LedgerBodyEncoder()
    static let decoder = JSONDecoder()

    private static func bytes(_ data: Data) -> ByteBuffer { ByteBuffer(bytes: data) }
    private static func data(_ buffer: ByteBuffer) -> Data { Data(buffer.readableBytesView) }

    public func migrate() async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(727274)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS ledger_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
            var applied = Set<String>()
            for try await version in try await connection.query("SELECT version FROM ledger_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(version)
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO ledger_migrations(version) VALUES (\(migration.version))", logger: logger)
            }
        }
    }

    public func flag(id: String) async throws -> Flag? {
        for try await body in try await client.query("SELECT body FROM flags WHERE flag_id = \(id)", logger: logger)
            .decode(ByteBuffer.self)
        {
            return try Self.decoder.decode(Flag.self, from: Self.data(body))
        }
        return nil
    }

    public func write(_ change: LedgerChange) async throws -> LedgerWriteResult {
        let flagBody = try change.flag.map { Self.bytes(try Self.encoder.encode($0)) }
        let activityBody = try change.groupActivity.map { Self.bytes(try Self.encoder.encode($0)) }
        let now = Date().timeIntervalSince1970
        let logger = self.logger
        do {
            return try await client.withTransaction(logger: logger) { connection -> LedgerWriteResult in
                if let actionID = change.actionID {
                    let flagID = change.flag?.flagID
                    let inserted = try await Self.count(
                        connection.query(
                            """
                            INSERT INTO actions(action_id, flag_id, recorded_at) VALUES (\(actionID), \(flagID), \(now))
                            ON CONFLICT DO NOTHING RETURNING action_id
                            """, logger: logger))
                    if inserted == 0 { return .duplicateAction }
                }
                if let flag = change.flag, let flagBody {
                    let deadline = flag.deadline?.timeIntervalSince1970
                    let status = flag.status.rawValue
                    let changed: Int
                    if let expected = change.expectedVersion {
                        let releasing = change.releaseLeaseOf
                        changed = try await Self.count(
                            connection.query(
                                """
                                UPDATE flags SET status = \(status), deadline_at = \(deadline), version = \(flag.version),
                                    updated_at = \(now), body = \(flagBody),
                                    lease_owner = CASE WHEN lease_owner = \(releasing) THEN NULL ELSE lease_owner END,
                                    lease_until = CASE WHEN lease_owner = \(releasing) THEN NULL ELSE lease_until END
                                WHERE flag_id = \(flag.flagID) AND version = \(expected) RETURNING flag_id
                                """, logger: logger))
                    } else {
                        let raised = flag.raisedAt.timeIntervalSince1970
                        changed = try await Self.count(
                            connection.query(
                                """
                                INSERT INTO flags(flag_id, message_id, group_id, status, deadline_at, version, raised_at,
                                    updated_at, body)
                                VALUES (\(flag.flagID), \(flag.messageID), \(flag.groupID), \(status), \(deadline),
                                    \(flag.version), \(raised), \(now), \(flagBody))
                                ON CONFLICT DO NOTHING RETURNING flag_id
                                """, logger: logger))
                    }
                    if changed == 0 { throw ConflictSignal() }
                }
                for event in change.events {
                    let payload = ByteBuffer(bytes: event.payload)
                    let created = event.createdAt.timeIntervalSince1970
                    try await connection.query(
                        """
                        INSERT INTO outbox(event_id, topic, event_key, payload, created_at)
                        VALUES (\(event.id), \(event.topic), \(event.key), \(payload), \(created)) ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
                if let activity = change.groupActivity, let activityBody {
                    try await connection.query(
                        """
                        INSERT INTO group_activity(group_id, body) VALUES (\(activity.groupID), \(activityBody))
                        ON CONFLICT (group_id) DO UPDATE SET body = excluded.body
                        """, logger: logger)
                }
                if let penalty = change.credit { try await Self.applyCredit(penalty, on: connection, logger: logger) }
                return .applied
            }
        } catch let error as PostgresTransactionError where error.closureError is ConflictSignal {
            return .conflict
        }
    }

    /// Lowers a user's stored rating inside the running transaction (the row locked while read).
    static func applyCredit(_ penalty: CreditPenalty, on connection: PostgresConnection, logger: Logger) async throws {
        var stored: CreditRating?
        for try await body in try await connection.query(
            "SELECT body FROM credit WHERE user_id = \(penalty.userID) FOR UPDATE", logger: logger
        ).decode(ByteBuffer.self) {
            stored = try decoder.decode(CreditRating.self, from: data(body))
        }
        let body = bytes(try encoder.encode(penalty.applied(to: stored)))
        try await connection.query(
            """
            INSERT INTO credit(user_id, body) VALUES (\(penalty.userID), \(body))
            ON CONFLICT (user_id) DO UPDATE SET body = excluded.body
            """, logger: logger)
    }

    private static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    public func claimDueFlags(now: Date, limit: Int, leaseOwner: String, leaseFor: Duration) async throws -> [Flag] {
        let at = now.timeIntervalSince1970
        let until = at + Double(leaseFor.components.seconds) + Double(leaseFor.components.attoseconds) / 1e18
        var flags: [Flag] = []
        let rows = try await client.query(
            """
            UPDATE flags SET lease_owner = \(leaseOwner), lease_until = \(until)
            WHERE flag_id IN (
                SELECT flag_id FROM flags
                WHERE deadline_at IS NOT NULL AND deadline_at <= \(at) AND (lease_until IS NULL OR lease_until < \(at))
                ORDER BY deadline_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING body
            """, logger: logger)
        for try await body in rows.decode(ByteBuffer.self) {
            flags.append(try Self.decoder.decode(Flag.self, from: Self.data(body)))
        }
        return flags.sorted { ($0.deadline ?? .distantPast) < ($1.deadline ?? .distantPast) }
    }

    public func nextDeadline() async throws -> Date? {
        for try await value in try await client.query(
            """
            SELECT MIN(CASE WHEN lease_until > deadline_at THEN lease_until ELSE deadline_at END)
            FROM flags WHERE deadline_at IS NOT NULL
            """, logger: logger
        ).decode(Double?.self) {
            return value.map(Date.init(timeIntervalSince1970:))
        }
        return nil
    }

    public func pendingOutbox(createdBefore: Date, limit: Int) async throws -> [OutboxEvent] {
        let before = createdBefore.timeIntervalSince1970
        var events: [OutboxEvent] = []
        let rows = try await client.query(
            """
            SELECT event_id, topic, event_key, payload, created_at FROM outbox
            WHERE published_at IS NULL AND created_at <= \(before) ORDER BY created_at, seq LIMIT \(limit)
            """, logger: logger)
        for try await (id, topic, key, payload, created) in rows.decode(
            (String, String, String, ByteBuffer, Double).self)
        {
            events.append(
                OutboxEvent(
                    id: id, topic: topic, key: key, payload: Array(payload.readableBytesView),
                    createdAt: Date(timeIntervalSince1970: created)))
        }
        return events
    }

    public func markPublished(_ deliveries: [OutboxDelivery], at: Date) async throws {
        guard !deliveries.isEmpty else { return }
        let time = at.timeIntervalSince1970
        let ids = deliveries.map(\.eventID)
        let partitions = deliveries.map(\.partition)
        let offsets = deliveries.map(\.offset)
        try await client.query(
            """
            UPDATE outbox SET published_at = \(time), delivered_partition = acknowledged.partition,
                delivered_offset = acknowledged.position
            FROM UNNEST(\(ids)::TEXT[], \(partitions)::INTEGER[], \(offsets)::BIGINT[])
                AS acknowledged(event_id, partition, position)
            WHERE outbox.event_id = acknowledged.event_id AND outbox.published_at IS NULL
            """,
            logger: logger)
    }

    public func deliveredEvents(limit: Int) async throws -> [DeliveredEvent] {
        var events: [DeliveredEvent] = []
        let rows = try await client.query(
            """
            SELECT event_id, topic, event_key, payload, created_at, published_at, delivered_partition, delivered_offset
            FROM outbox WHERE published_at IS NOT NULL AND delivered_offset IS NOT NULL
            ORDER BY created_at, seq LIMIT \(limit)
            """, logger: logger)
        for try await (id, topic, key, payload, created, published, partition, offset) in rows.decode(
            (String, String, String, ByteBuffer, Double, Double, Int32, Int64).self)
        {
            events.append(
                DeliveredEvent(
                    event: OutboxEvent(
                        id: id, topic: topic, key: key, payload: Array(payload.readableBytesView),
                        createdAt: Date(timeIntervalSince1970: created)),
                    delivery: OutboxDelivery(eventID: id, partition: partition, offset: offset),
                    publishedAt: Date(timeIntervalSince1970: published)))
        }
        return events
    }

    public func groupActivity(_ groupID: String) async throws -> GroupActivity? {
        try await body(GroupActivity.self, "SELECT body FROM group_activity WHERE group_id = \(groupID)")
    }

    public func groupSnapshot(_ groupID: String) async throws -> GroupSnapshot? {
        try await body(GroupSnapshot.self, "SELECT body FROM group_snapshots WHERE group_id = \(groupID)")
    }

    /// One round trip: both bodies as columns of one row (NULL where there is none).
    public func groupState(_ groupID: String) async throws -> StoredGroupState {
        let rows = try await client.query(
            """
            SELECT (SELECT body FROM group_snapshots WHERE group_id = \(groupID)),
                   (SELECT body FROM group_activity WHERE group_id = \(groupID))
            """, logger: logger)
        for try await (snapshot, activity) in rows.decode((ByteBuffer?, ByteBuffer?).self) {
            return StoredGroupState(
                snapshot: try snapshot.map { try Self.decoder.decode(GroupSnapshot.self, from: Self.data($0)) },
                activity: try activity.map { try Self.decoder.decode(GroupActivity.self, from: Self.data($0)) })
        }
        return StoredGroupState(snapshot: nil, activity: nil)
    }

    public func saveGroupSnapshot(_ groupID: String, _ snapshot: GroupSnapshot) async throws {
        let body = Self.bytes(try Self.encoder.encode(snapshot))
        try await client.query(
            """
            INSERT INTO group_snapshots(group_id, body) VALUES (\(groupID), \(body))
            ON CONFLICT (group_id) DO UPDATE SET body = excluded.body
            """, logger: logger)
    }

    public func credit(_ userID: String) async throws -> CreditRating? {
        try await body(CreditRating.self, "SELECT body FROM credit WHERE user_id = \(userID)")
    }

    public func saveCredit(_ userID: String, _ rating: CreditRating) async throws {
        let body = Self.bytes(try Self.encoder.encode(rating))
        try await client.query(
            "INSERT INTO credit(user_id, body) VALUES (\(userID), \(body)) ON CONFLICT (user_id) DO UPDATE SET body = excluded.body",
            logger: logger)
    }

    public func flags(groupID: String) async throws -> [Flag] {
        var flags: [Flag] = []
        let rows = try await client.query(
            "SELECT body FROM flags WHERE group_id = \(groupID) ORDER BY raised_at, flag_id", logger: logger)
        for try await body in rows.decode(ByteBuffer.self) {
            flags.append(try Self.decoder.decode(Flag.self, from: Self.data(body)))
        }
        return flags
    }

    public func overdueCount(now: Date) async throws -> Int {
        let at = now.timeIntervalSince1970
        for try await count in try await client.query(
            "SELECT COUNT(*)::BIGINT FROM flags WHERE deadline_at IS NOT NULL AND deadline_at <= \(at)", logger: logger
        ).decode(Int.self) {
            return count
        }
        return 0
    }

    public func purge(before cutoff: Date) async throws -> Int {
        let at = cutoff.timeIntervalSince1970
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                "DELETE FROM actions WHERE flag_id IN (SELECT flag_id FROM flags WHERE deadline_at IS NULL AND updated_at < \(at))",
                logger: logger)
            let removed = try await Self.count(
                connection.query(
                    "DELETE FROM flags WHERE deadline_at IS NULL AND updated_at < \(at) RETURNING flag_id",
                    logger: logger))
            try await connection.query(
                "DELETE FROM outbox WHERE published_at IS NOT NULL AND created_at < \(at)", logger: logger)
            return removed
        }
    }

    private func body<T: Decodable>(_ type: T.Type, _ query: PostgresQuery) async throws -> T? {
        for try await body in try await client.query(query, logger: logger).decode(ByteBuffer.self) {
            return try Self.decoder.decode(T.self, from: Self.data(body))
        }
        return nil
    }
}

extension PostgresLedgerStore {
    /// Runs one statement with no result (administration and tests).
    public func execute(_ query: PostgresQuery) async throws {
        try await client.query(query, logger: logger)
    }
}
