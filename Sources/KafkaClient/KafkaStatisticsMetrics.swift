import Metrics

/// Reports `KafkaStatistics` as swift-metrics gauges. Labels are low-cardinality by design:
/// lag is labelled by topic and partition only, queue gauges by client type; never ids.
public struct KafkaStatisticsMetrics: Sendable {
    public static let consumerLag = "kafka_consumer_lag"
    public static let queuedMessages = "kafka_client_queued_messages"
    public static let queuedBytes = "kafka_client_queued_bytes"
    public static let rebalances = "kafka_consumer_rebalances"

    public init() {}

    /// Sets every gauge the statistics carry.
    public func record(_ statistics: KafkaStatistics) {
        let client = [("client_type", statistics.clientType)]
        Gauge(label: Self.queuedMessages, dimensions: client).record(statistics.queuedMessages)
        Gauge(label: Self.queuedBytes, dimensions: client).record(statistics.queuedBytes)
        if let rebalances = statistics.rebalanceCount {
            Gauge(label: Self.rebalances).record(rebalances)
        }
        for (topicPartition, lag) in statistics.consumerLag {
            Gauge(
                label: Self.consumerLag,
                dimensions: [("topic", topicPartition.topic), ("partition", String(topicPartition.partition))]
            ).record(lag)
        }
    }
}
