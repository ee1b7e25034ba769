import Foundation

/// A topic and one of its partitions.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number, 0-based.
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// One Kafka record header. A `nil` value is a header without a value (distinct from an empty one).
public struct KafkaHeader: Hashable, Sendable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// A consumed record. Every byte is copied out of librdkafka before its message is destroyed,
/// so a record is an independent value that may outlive the consumer.
public struct KafkaRecord: Sendable {
    public var topic: String
    public var partition: Int32
    /// The record's offset; the next offset to store after processing it is `offset + 1`.
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    /// Headers in the order the producer added them.
    public var headers: [KafkaHeader]
    /// The record's timestamp (create or log-append time), `nil` when the broker gave none.
    public var timestamp: Date?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
        headers: [KafkaHeader] = [], timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The record's topic and partition.
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }
}
