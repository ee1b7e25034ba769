import GRDB

/// Versioned migrations of the SQLite ledger. Each runs once; `migrate()` is idempotent.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-flags-outbox-actions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE flags (
                        flag_id TEXT PRIMARY KEY,
                        message_id TEXT NOT NULL,
                        group_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        deadline_at REAL,
                        lease_owner TEXT,
                        lease_until REAL,
                        version INTEGER NOT NULL,
                        raised_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX flags_due ON flags(deadline_at) WHERE deadline_at IS NOT NULL;
                    CREATE INDEX flags_group ON flags(group_id, raised_at);
                    CREATE TABLE actions (
                        action_id TEXT PRIMARY KEY,
                        flag_id TEXT,
                        recorded_at REAL NOT NULL
                    );
                    CREATE TABLE outbox (
                        event_id TEXT PRIMARY KEY,
                        topic TEXT NOT NULL,
                        event_key TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        created_at REAL NOT NULL,
                        published_at REAL
                    );
                    CREATE INDEX outbox_pending ON outbox(created_at) WHERE published_at IS NULL;
                    """)
        }
        migrator.registerMigration("v2-groups-credit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE group_activity (group_id TEXT PRIMARY KEY, body BLOB NOT NULL);
                    CREATE TABLE group_snapshots (group_id TEXT PRIMARY KEY, body BLOB NOT NULL);
                    CREATE TABLE credit (user_id TEXT PRIMARY KEY, body BLOB NOT NULL);
                    """)
        }
        migrator.registerMigration("v3-outbox-delivery") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN delivered_partition INTEGER;
                    ALTER TABLE outbox ADD COLUMN delivered_offset INTEGER;
                    """)
        }
        return migrator
    }
}
