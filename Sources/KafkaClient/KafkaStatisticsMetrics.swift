import Metrics

/// Reports `KafkaStatistics` as swift-metrics gauges. Labels are low-cardinality by design:
/// lag is labelled by topic and partition only, queue gauges by client type; never ids.
public struct KafkaStatisticsMetrics: Sendable {
    /// Where gauges go; nil means the global `MetricsSystem` factory.
    private let factory: (any MetricsFactory)?

    public static let consumerLag = "kafka_consumer_lag"
    public static let queuedMessages = "kafka_client_queued_messages"
    public static let queuedBytes = "kafka_client_queued_bytes"
    public static let rebalances = "kafka_consumer_rebalances"

    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    /// Sets every gauge the statistics carry.
    public func record(_ statistics: KafkaStatistics) {
        let client = [("client_type", statistics.clientType)]
        gauge(Self.queuedMessages, client).record(statistics.queuedMessages)
        gauge(Self.queuedBytes, client).record(statistics.queuedBytes)
        if let rebalances = statistics.rebalanceCount {
            gauge(Self.rebalances, []).record(rebalances)
        }
        for (topicPartition, lag) in statistics.consumerLag {
            gauge(Self.consumerLag, [("topic", topicPartition.topic), ("partition", String(topicPartition.partition))])
                .record(lag)
        }
    }
}

extension KafkaStatisticsMetrics {
    fileprivate func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        if let factory { return Gauge(label: label, dimensions: dimensions, factory: factory) }
        return Gauge(label: label, dimensions: dimensions)
    }
}
