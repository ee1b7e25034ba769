import Escalation
import Foundation
import NIOCore
import PostgresNIO

/// The batched write path: a whole claimed batch of escalations (or a bulk of new flags) in one
/// transaction of a few set-based statements over `unnest` arrays, instead of a transaction of
/// several round trips per flag.
extension PostgresLedgerStore {
    public func write(_ changes: [LedgerChange]) async throws -> [LedgerWriteResult] {
        guard !changes.isEmpty else { return [] }
        let flagIDs = changes.compactMap(\.flag?.flagID)
        // Action intake (replay detection) and a flag twice in one batch keep the per-change path,
        // whose outcome is defined change by change.
        if changes.contains(where: { $0.actionID != nil }) || Set(flagIDs).count != flagIDs.count {
            var results: [LedgerWriteResult] = []
            for change in changes { results.append(try await write(change)) }
            return results
        }
        let batch = try FlagBatch(changes)
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            var written = Set<String>()
            if !batch.updates.isEmpty {
                let u = batch.updates
                let rows = try await connection.query(
                    """
                    UPDATE flags AS f SET status = u.status, deadline_at = NULLIF(u.deadline, 'NaN'::float8),
                        version = u.version, updated_at = \(batch.now), body = u.body,
                        lease_owner = CASE WHEN f.lease_owner = u.releasing THEN NULL ELSE f.lease_owner END,
                        lease_until = CASE WHEN f.lease_owner = u.releasing THEN NULL ELSE f.lease_until END
                    FROM unnest(\(u.ids)::text[], \(u.statuses)::text[], \(u.deadlines)::float8[], \(u.versions)::int8[],
                        \(u.expected)::int8[], \(u.bodies)::bytea[], \(u.releasing)::text[])
                        AS u(flag_id, status, deadline, version, expected, body, releasing)
                    WHERE f.flag_id = u.flag_id AND f.version = u.expected
                    RETURNING f.flag_id
                    """, logger: logger)
                for try await id in rows.decode(String.self) { written.insert(id) }
            }
            if !batch.inserts.isEmpty {
                let i = batch.inserts
                let rows = try await connection.query(
                    """
                    INSERT INTO flags(flag_id, message_id, group_id, status, deadline_at, version, raised_at,
                        updated_at, body)
                    SELECT flag_id, message_id, group_id, status, NULLIF(deadline, 'NaN'::float8), version, raised,
                        \(batch.now), body
                    FROM unnest(\(i.ids)::text[], \(i.messageIDs)::text[], \(i.groupIDs)::text[], \(i.statuses)::text[],
                        \(i.deadlines)::float8[], \(i.versions)::int8[], \(i.raised)::float8[], \(i.bodies)::bytea[])
                        AS n(flag_id, message_id, group_id, status, deadline, version, raised, body)
                    ON CONFLICT DO NOTHING RETURNING flag_id
                    """, logger: logger)
                for try await id in rows.decode(String.self) { written.insert(id) }
            }
            let results: [LedgerWriteResult] = changes.map { change in
                guard let flag = change.flag else { return .applied }
                return written.contains(flag.flagID) ? .applied : .conflict
            }
            let applied = zip(changes, results).filter { $0.1 == .applied }.map(\.0)
            let events = applied.flatMap(\.events)
            if !events.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO outbox(event_id, topic, event_key, payload, created_at)
                    SELECT * FROM unnest(\(events.map(\.id))::text[], \(events.map(\.topic))::text[],
                        \(events.map(\.key))::text[], \(events.map { ByteBuffer(bytes: $0.payload) })::bytea[],
                        \(events.map { $0.createdAt.timeIntervalSince1970 })::float8[])
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            // One row per group: the last statistics written in the batch win.
            var activities: [String: GroupActivity] = [:]
            for change in applied { if let activity = change.groupActivity { activities[activity.groupID] = activity } }
            if !activities.isEmpty {
                let groups = Array(activities.keys)
                let bodies = try groups.map { ByteBuffer(bytes: try Self.encoder.encode(activities[$0]!)) }
                try await connection.query(
                    """
                    INSERT INTO group_activity(group_id, body) SELECT * FROM unnest(\(groups)::text[], \(bodies)::bytea[])
                    ON CONFLICT (group_id) DO UPDATE SET body = excluded.body
                    """, logger: logger)
            }
            // Penalties in batch order, so two for one user both count.
            for penalty in applied.compactMap(\.credit) {
                try await Self.applyCredit(penalty, on: connection, logger: logger)
            }
            return results
        }
    }
}

/// The columns of a batch's flag updates and inserts, as arrays for `unnest`. A missing deadline
/// travels as NaN (arrays of optionals are not bindable) and becomes NULL again in SQL.
private struct FlagBatch {
    struct Updates {
        var ids: [String] = [], statuses: [String] = [], deadlines: [Double] = [], versions: [Int] = []
        var expected: [Int] = [], bodies: [ByteBuffer] = [], releasing: [String] = []
        var isEmpty: Bool { ids.isEmpty }
    }

    struct Inserts {
        var ids: [String] = [], messageIDs: [String] = [], groupIDs: [String] = [], statuses: [String] = []
        var deadlines: [Double] = [], versions: [Int] = [], raised: [Double] = [], bodies: [ByteBuffer] = []
        var isEmpty: Bool { ids.isEmpty }
    }

    var updates = Updates()
    var inserts = Inserts()
    let now = Date().timeIntervalSince1970

    init(_ changes: [LedgerChange]) throws {
        for change in changes {
            guard let flag = change.flag else { continue }
            let body = ByteBuffer(bytes: try PostgresLedgerStore.encoder.encode(flag))
            let deadline = flag.deadline?.timeIntervalSince1970 ?? .nan
            if let expected = change.expectedVersion {
                updates.ids.append(flag.flagID)
                updates.statuses.append(flag.status.rawValue)
                updates.deadlines.append(deadline)
                updates.versions.append(flag.version)
                updates.expected.append(expected)
                updates.bodies.append(body)
                // An empty owner never matches a lease (lease owners are worker ids).
                updates.releasing.append(change.releaseLeaseOf ?? "")
            } else {
                inserts.ids.append(flag.flagID)
                inserts.messageIDs.append(flag.messageID)
                inserts.groupIDs.append(flag.groupID)
                inserts.statuses.append(flag.status.rawValue)
                inserts.deadlines.append(deadline)
                inserts.versions.append(flag.version)
                inserts.raised.append(flag.raisedAt.timeIntervalSince1970)
                inserts.bodies.append(body)
            }
        }
    }
}
