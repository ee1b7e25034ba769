import CRdKafka

/// Conversions between Swift partitions and `rd_kafka_topic_partition_list_t`, scoped so the
/// C list is always destroyed.
enum TopicPartitionList {
    /// Builds a C list of `partitions` (with `offsets` where given), runs `body`, destroys the list.
    static func with<R, E: Error>(
        _ partitions: [TopicPartition], offsets: [TopicPartition: Int64] = [:],
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(E) -> R
    ) throws(E) -> R {
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            if let offset = offsets[partition] { element.pointee.offset = offset }
        }
        return try body(list)
    }

    /// The partitions a C list holds, in list order.
    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        elements(of: list).map { TopicPartition(topic: String(cString: $0.topic), partition: $0.partition) }
    }

    /// Each partition's offset in a C list (negative: a logical offset such as "none").
    static func offsets(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for element in elements(of: list) {
            result[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
        }
        return result
    }

    /// Throws the first per-partition error a C list reports after an operation.
    static func checkErrors(
        _ list: UnsafePointer<rd_kafka_topic_partition_list_t>, _ what: String
    ) throws(KafkaError) {
        for element in elements(of: list) where element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let partition = "\(String(cString: element.topic))[\(element.partition)]"
            throw KafkaError(
                element.err, message: "\(what) \(partition): \(String(cString: rd_kafka_err2str(element.err)))")
        }
    }

    private static func elements(
        of list: UnsafePointer<rd_kafka_topic_partition_list_t>?
    ) -> UnsafeBufferPointer<rd_kafka_topic_partition_t> {
        guard let list, list.pointee.cnt > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
    }
}
