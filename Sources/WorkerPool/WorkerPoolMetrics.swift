import Foundation
import KafkaClient
import Metrics

/// Metric names (shared with Warden's `MetricName`); labels are low-cardinality only: topic,
/// outcome, reason kind. Never a key, group, user or offset.
public enum WorkerPoolMetricName {
    /// Counter, labels `topic`, `outcome` (`handled` | `dlq`).
    public static let records = "groupwarden_records_total"
    /// Timer, label `topic`: from a record's first attempt to its completion (retries and DLQ included).
    public static let processingSeconds = "groupwarden_processing_seconds"
    /// Timer, label `topic`: a record's age when its handling starts, from its timestamp (the
    /// producer's create time): time spent in the broker, in fetch buffers and queued behind its
    /// key. Consumer lag in seconds rather than records.
    public static let recordAge = "groupwarden_record_age_seconds"
    /// Timer, label `topic`: a record's age when the poll thread takes it from the consumer: the
    /// broker's and the fetch's share of `recordAge` (the rest is the wait in the pool).
    public static let fetchAge = "groupwarden_record_fetch_age_seconds"
    /// Gauge: records admitted and not finished (queued behind their key or running).
    public static let inFlight = "groupwarden_in_flight"
    /// Counter, label `topic`: handler attempts that failed retriably and were retried.
    public static let retries = "groupwarden_retries_total"
    /// Counter, labels `topic`, `reason` (`decode` | `failed` | `exhausted`): records sent to the DLQ.
    public static let deadLettered = "groupwarden_dlq_total"
}

/// Why a record went to the DLQ (the metric label; the full reason is in the header).
enum DeadLetterKind: String, Sendable {
    case decode, failed, exhausted
}

/// The metric handles of one topic, created once per worker and topic.
struct TopicMetrics {
    let handled: Counter
    let deadLettered: Counter
    let retries: Counter
    let latency: Timer
    let age: Timer
    private let topic: String
    private var byKind: [DeadLetterKind: Counter] = [:]

    init(topic: String) {
        self.topic = topic
        handled = Counter(label: WorkerPoolMetricName.records, dimensions: [("topic", topic), ("outcome", "handled")])
        deadLettered = Counter(label: WorkerPoolMetricName.records, dimensions: [("topic", topic), ("outcome", "dlq")])
        retries = Counter(label: WorkerPoolMetricName.retries, dimensions: [("topic", topic)])
        latency = Timer(label: WorkerPoolMetricName.processingSeconds, dimensions: [("topic", topic)])
        age = Timer(label: WorkerPoolMetricName.recordAge, dimensions: [("topic", topic)])
    }

    mutating func deadLetterCounter(_ kind: DeadLetterKind) -> Counter {
        if let counter = byKind[kind] { return counter }
        let counter = Counter(
            label: WorkerPoolMetricName.deadLettered, dimensions: [("topic", topic), ("reason", kind.rawValue)])
        byKind[kind] = counter
        return counter
    }
}

/// A worker's cache of per-topic metric handles (no lock: one per worker task).
struct MetricsCache {
    private var topics: [String: TopicMetrics] = [:]
    private var last: (topic: String, metrics: TopicMetrics)?

    mutating func with<R>(_ topic: String, _ body: (inout TopicMetrics) -> R) -> R {
        // Consecutive records nearly always share a topic (and its string storage): no hashing.
        if last?.topic == topic {
            return body(&last!.metrics)
        }
        if let previous = last { topics[previous.topic] = previous.metrics }
        last = (topic, topics[topic] ?? TopicMetrics(topic: topic))
        return body(&last!.metrics)
    }
}

/// The poll thread's per-topic fetch-age timers (only the poll thread touches them).
struct FetchAgeTimers {
    private let factory: any MetricsFactory
    private var timers: [String: Timer] = [:]

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Records the age of every timestamped record at `now` (one clock reading per batch).
    mutating func record(_ records: [KafkaRecord], now: Date = Date()) {
        var last: (topic: String, timer: Timer)?
        for record in records {
            guard let timestamp = record.timestamp else { continue }
            if last?.topic != record.topic {
                let timer =
                    timers[record.topic]
                    ?? Timer(
                        label: WorkerPoolMetricName.fetchAge, dimensions: [("topic", record.topic)], factory: factory)
                timers[record.topic] = timer
                last = (record.topic, timer)
            }
            last!.timer.recordNanoseconds(Int64(max(0, now.timeIntervalSince(timestamp)) * 1e9))
        }
    }
}
