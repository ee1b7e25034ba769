import PostgresNIO

/// Versioned migrations of the PostgreSQL ledger, applied under an advisory lock so that many
/// workers starting at once migrate once.
enum PostgresSchema {
    static let migrations: [(version: String, statements: [PostgresQuery])] = [
        (
            "v1-flags-outbox-actions",
            [
                """
                CREATE TABLE flags (
                    flag_id TEXT PRIMARY KEY, message_id TEXT NOT NULL, group_id TEXT NOT NULL, status TEXT NOT NULL,
                    deadline_at DOUBLE PRECISION, lease_owner TEXT, lease_until DOUBLE PRECISION,
                    version INTEGER NOT NULL, raised_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                    body BYTEA NOT NULL)
                """,
                "CREATE INDEX flags_due ON flags(deadline_at) WHERE deadline_at IS NOT NULL",
                "CREATE INDEX flags_group ON flags(group_id, raised_at)",
                "CREATE TABLE actions (action_id TEXT PRIMARY KEY, flag_id TEXT, recorded_at DOUBLE PRECISION NOT NULL)",
                """
                CREATE TABLE outbox (
                    event_id TEXT PRIMARY KEY, topic TEXT NOT NULL, event_key TEXT NOT NULL, payload BYTEA NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL, published_at DOUBLE PRECISION, seq BIGSERIAL)
                """,
                "CREATE INDEX outbox_pending ON outbox(created_at) WHERE published_at IS NULL",
            ]
        ),
        (
            "v2-groups-credit",
            [
                "CREATE TABLE group_activity (group_id TEXT PRIMARY KEY, body BYTEA NOT NULL)",
                "CREATE TABLE group_snapshots (group_id TEXT PRIMARY KEY, body BYTEA NOT NULL)",
                "CREATE TABLE credit (user_id TEXT PRIMARY KEY, body BYTEA NOT NULL)",
            ]
        ),
        (
            "v3-outbox-delivery",
            [
                "ALTER TABLE outbox ADD COLUMN delivered_partition INTEGER",
                "ALTER TABLE outbox ADD COLUMN delivered_offset BIGINT",
            ]
        ),
    ]
}
