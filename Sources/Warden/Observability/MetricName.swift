import KafkaClient

/// Metric names the service exports on `/metrics`. Labels stay low-cardinality: never a group,
/// user or message id. Alert rules and dashboards in ops/ use exactly these names.
public enum MetricName {
    /// Counter, labels `topic`, `outcome` (handled|private|dlq|refused).
    public static let records = "groupwarden_records_total"
    /// Timer/histogram of handling time per record, label `topic`.
    public static let processingSeconds = "groupwarden_processing_seconds"
    /// Gauge: records handed to handlers and not yet finished.
    public static let inFlight = "groupwarden_in_flight"
    /// Gauge, labels `topic`, `partition`: consumer lag, from librdkafka's statistics every 5 s
    /// (`statistics.interval.ms`); named by KafkaClient, which records it.
    public static let consumerLag = KafkaStatisticsMetrics.consumerLag
    /// Counter, labels `topic`, `reason`: records sent to the DLQ.
    public static let dlq = "groupwarden_dlq_total"
    /// Counter, label `category`: flags raised.
    public static let flags = "groupwarden_flags_total"
    /// Counter, labels `level`, `reason`: escalations.
    public static let escalations = "groupwarden_escalations_total"
    /// Counter, label `resolved_by`: flags resolved.
    public static let resolutions = "groupwarden_resolutions_total"
    /// Counter, label `reason`: group alerts.
    public static let groupAlerts = "groupwarden_group_alerts_total"
    /// Counter, label `reason`: moderation actions refused.
    public static let actionsRefused = "groupwarden_actions_refused_total"
    /// Gauge: open deadlines already past due (not yet fired).
    public static let overdueDeadlines = "groupwarden_deadlines_overdue"
    /// Histogram: how many seconds after its due time each deadline fired (scheduler lag).
    public static let deadlineLagSeconds = "groupwarden_deadline_lag_seconds"
    /// Counter: private (direct/family) messages counted and skipped.
    public static let privateMessages = "groupwarden_private_messages_total"
    /// Gauge: the loaded rule pack's version number.
    public static let rulePackVersion = "groupwarden_rule_pack_version"
    /// Gauge: 1 when the worker has partitions assigned and the ledger answers.
    public static let ready = "groupwarden_ready"
    /// Counter: outbox events the relay published because the direct publish after the ledger
    /// write did not complete (a crash, a broker outage). Steady growth means publishing fails.
    public static let outboxRepublished = "groupwarden_outbox_republished_total"
    /// Counter: direct publishes after a ledger write that failed (the events stay in the outbox
    /// and the relay publishes them).
    public static let publishFailures = "groupwarden_publish_failures_total"
}
