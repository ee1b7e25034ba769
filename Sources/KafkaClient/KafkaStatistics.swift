import Foundation

/// The parts of librdkafka's statistics JSON (`statistics.interval.ms`) GroupWarden reports.
/// A pure value: parsing has no side effects; `KafkaStatisticsMetrics` turns it into gauges.
public struct KafkaStatistics: Sendable, Hashable {
    /// "producer" or "consumer".
    public var clientType: String
    /// Messages (and their bytes) waiting in the client's queues (`msg_cnt`, `msg_size`).
    public var queuedMessages: Int
    public var queuedBytes: Int
    /// Rebalances this consumer went through (`cgrp.rebalance_cnt`), nil for producers.
    public var rebalanceCount: Int?
    /// Consumer lag per assigned partition (`consumer_lag`), only partitions where it is known (>= 0).
    public var consumerLag: [TopicPartition: Int64]

    public init(
        clientType: String, queuedMessages: Int, queuedBytes: Int, rebalanceCount: Int?,
        consumerLag: [TopicPartition: Int64]
    ) {
        self.clientType = clientType
        self.queuedMessages = queuedMessages
        self.queuedBytes = queuedBytes
        self.rebalanceCount = rebalanceCount
        self.consumerLag = consumerLag
    }

    /// Parses one statistics document; throws when it is not a JSON object.
    public init(json: [UInt8]) throws {
        let document = try JSONDecoder().decode(Document.self, from: Data(json))
        var lag: [TopicPartition: Int64] = [:]
        for (topic, topicStats) in document.topics ?? [:] {
            for (_, partition) in topicStats.partitions ?? [:] {
                // Partition -1 is librdkafka's internal "unassigned" partition.
                guard partition.partition >= 0, let consumerLag = partition.consumer_lag, consumerLag >= 0 else {
                    continue
                }
                lag[TopicPartition(topic: topic, partition: partition.partition)] = consumerLag
            }
        }
        self.init(
            clientType: document.type ?? "unknown", queuedMessages: document.msg_cnt ?? 0,
            queuedBytes: document.msg_size ?? 0, rebalanceCount: document.cgrp?.rebalance_cnt, consumerLag: lag)
    }

    private struct Document: Decodable {
        var type: String?
        var msg_cnt: Int?
        var msg_size: Int?
        var topics: [String: Topic]?
        var cgrp: Group?
    }
    private struct Topic: Decodable { var partitions: [String: Partition]? }
    private struct Partition: Decodable {
        var partition: Int32
        var consumer_lag: Int64?
    }
    private struct Group: Decodable { var rebalance_cnt: Int? }
}
