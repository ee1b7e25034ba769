extension ConfigSetting {
    /// Every setting GroupWarden reads, in documentation order. Keys not listed here are
    /// rejected at start-up, so a typo never silently falls back to a default.
    public static let catalog: [ConfigSetting] = [
        // Process
        .init(
            "worker.id", .string, default: nil, "Worker id in logs and scheduler leases; default: host name and pid."),
        .init(
            "roles", .list, default: "classify,actions,scheduler",
            "Roles this process runs: classify (messages), actions (moderation actions), scheduler (deadlines)."),
        // Kafka
        .init("kafka.bootstrap_servers", .string, default: "127.0.0.1:9092", "Kafka bootstrap servers."),
        .init("kafka.group_id", .string, default: "groupwarden", "Consumer group shared by every worker."),
        .init(
            "kafka.properties", .list, default: "",
            "Extra librdkafka properties as key=value (security.protocol, sasl.*, ssl.*, ...), passed through verbatim."
        ),
        // Topics
        .init("topics.messages", .string, default: "chat.group.messages", "Input: group-chat messages."),
        .init("topics.actions", .string, default: "moderation.actions", "Input: moderation actions."),
        .init("topics.flags", .string, default: "moderation.flags", "Output: flag.raised and flag.resolved."),
        .init("topics.notices", .string, default: "moderation.notices", "Output: owner.notified."),
        .init("topics.escalations", .string, default: "moderation.escalations", "Output: flag.escalated."),
        .init("topics.group_alerts", .string, default: "moderation.group-alerts", "Output: group.alert."),
        .init("topics.dlq", .string, default: "moderation.dlq", "Output: records that could not be handled."),
        // Worker pool
        .init(
            "pool.max_in_flight", .integer(1...1_000_000), default: "10000",
            "Records in flight (running or queued behind their key) before partitions pause. Keep it well above the"
                + " number of busy keys: resuming a paused partition costs a refetch (about half a second here)."
        ),
        .init("pool.max_attempts", .integer(1...100), default: "5", "Tries for a retriable failure before the DLQ."),
        .init("pool.retry_base", .duration, default: "100ms", "First retry backoff; doubles each try, with jitter."),
        .init("pool.retry_max", .duration, default: "10s", "Longest retry backoff."),
        .init(
            "pool.revoke_timeout", .duration, default: "10s",
            "How long a revoked partition's in-flight records may finish before they are abandoned."),
        .init(
            "pool.handler_timeout", .duration, default: "60s",
            "Longest one attempt at a record may take (ledger, broker) before it is retried: a dependency that"
                + " hangs costs a retry, not a stalled partition. Checked four times per timeout: an attempt ends"
                + " after 1 to 1.25 times this."),
        // Ledger
        .init(
            "ledger.url", .string, default: "sqlite://groupwarden.db",
            "Ledger store: sqlite://PATH (one node) or postgres://USER:PASS@HOST:PORT/DB (many workers).",
            secret: true),
        .init("ledger.retention", .duration, default: "180d", "How long flags and their history are kept."),
        .init(
            "ledger.relay_grace", .duration, default: "10s",
            "How old an unpublished outbox event must be before any worker's relay publishes it: the time a"
                + " crashed worker's events wait. Shorter sends more duplicates (same id) while a broker is slow."),
        // Scheduler
        .init("scheduler.poll_interval", .duration, default: "500ms", "Longest wait between checks for due deadlines."),
        .init(
            "scheduler.lease", .duration, default: "30s", "Lease on a claimed deadline; a dead worker's lease expires."),
        .init("scheduler.batch_size", .integer(1...100_000), default: "500", "Due deadlines claimed per round."),
        // Deadlines and the responsibility chain
        .init("deadlines.owner.low", .duration, default: "24h", "Owner deadline for low-severity flags."),
        .init("deadlines.owner.medium", .duration, default: "6h", "Owner deadline for medium-severity flags."),
        .init("deadlines.owner.high", .duration, default: "1h", "Owner deadline for high-severity flags."),
        .init("deadlines.owner.critical", .duration, default: "15m", "Owner deadline for critical flags."),
        .init("deadlines.provider", .duration, default: "24h", "Provider deadline after escalation."),
        .init(
            "escalation.severe_categories", .list, default: "violence_terror",
            "Categories that skip the owner and go straight to the provider."),
        .init(
            "escalation.reportable_categories", .list, default: "violence_terror,obscene",
            "Categories escalated to the authority level when the provider deadline passes."),
        // Group alerts
        .init("group_alert.min_members", .integer(1...1_000_000), default: "30", "Smallest group that can be alerted."),
        .init("group_alert.flagged_share", .fraction, default: "0.3", "Share of flagged messages that alerts a group."),
        .init(
            "group_alert.min_flagged", .integer(1...1_000_000), default: "10", "Flagged messages needed in the window."),
        .init("group_alert.window", .duration, default: "1h", "Rolling window for group statistics."),
        // Classification
        .init(
            "classification.rule_packs", .list, default: "rules/default.yaml", "Rule pack files, reloaded on change."),
        .init("classification.hash_banks", .list, default: "", "Media-hash bank files (MD5 and PDQ)."),
        .init("classification.domain_blocklist", .list, default: "", "Domain block-list files."),
        .init(
            "classification.max_text_bytes", .integer(1...16_777_216), default: "65536",
            "Longest message text accepted; longer ones go to the DLQ."),
        // Actions and events
        .init(
            "actions.signing_key", .string, default: nil,
            "HMAC-SHA256 key for moderation actions; when set, unsigned or badly signed actions are refused.",
            secret: true),
        .init("events.source", .string, default: "groupwarden", "CloudEvents `source` of every published event."),
        // Admin HTTP and logs
        .init("admin.host", .string, default: "0.0.0.0", "Admin HTTP bind address (/metrics, /healthz, /readyz)."),
        .init("admin.port", .integer(0...65535), default: "8081", "Admin HTTP port; 0 disables it."),
        .init(
            "log.level", .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]), default: "info",
            "Log level."),
        .init(
            "log.format", .choice(["json", "text"]), default: "json", "json: one object per line; text: for terminals."),
    ]

    /// The catalog by key.
    public static let byKey: [String: ConfigSetting] = Dictionary(uniqueKeysWithValues: catalog.map { ($0.key, $0) })
}
