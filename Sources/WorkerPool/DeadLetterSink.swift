import KafkaClient

/// Where records that cannot be handled go. `KafkaProducer` is one; tests may use another.
public protocol DeadLetterSink: Sendable {
    /// Completes once the record is durably accepted (acknowledged); throws otherwise.
    func send(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader]
    ) async throws -> (partition: Int32, offset: Int64)
    /// Waits (blocking) until everything sent is acknowledged or failed.
    func flush(timeout: Duration) throws
}

extension KafkaProducer: DeadLetterSink {}

/// The DLQ record for a failed record: the original key and value unchanged, the original
/// headers except any `x-warden-*` ones, then the four contract headers.
public enum DeadLetter {
    public static let errorHeader = "x-warden-error"
    public static let sourceTopicHeader = "x-warden-source-topic"
    public static let sourcePartitionHeader = "x-warden-source-partition"
    public static let sourceOffsetHeader = "x-warden-source-offset"

    /// The headers of the DLQ copy of `record` failed for `reason`.
    public static func headers(for record: KafkaRecord, reason: String) -> [KafkaHeader] {
        var headers = record.headers.filter { !$0.key.hasPrefix("x-warden-") }
        headers.append(KafkaHeader(key: errorHeader, value: Array(reason.utf8)))
        headers.append(KafkaHeader(key: sourceTopicHeader, value: Array(record.topic.utf8)))
        headers.append(KafkaHeader(key: sourcePartitionHeader, value: Array(String(record.partition).utf8)))
        headers.append(KafkaHeader(key: sourceOffsetHeader, value: Array(String(record.offset).utf8)))
        return headers
    }
}
