import CRdKafka
import Foundation
import Logging
import Metrics
import Synchronization

/// A consumer-group member over one `rd_kafka_t`, freed in `deinit`. Call `close()` first, on
/// the polling thread: a `deinit` without it leaves the group itself, blocking whichever thread
/// drops the last reference, and without telling the rebalance listener.
///
/// Defaults (any can be overridden through the configuration): `enable.auto.commit=true` with
/// `enable.auto.offset.store=false` (the caller stores offsets of finished records, librdkafka
/// commits stored offsets periodically), `partition.assignment.strategy=cooperative-sticky`,
/// `auto.offset.reset=earliest`. Blocking methods (`poll`, `commit`, `close`) belong on a
/// dedicated thread such as a `BlockingExecutor`, never on the cooperative pool.
public final class KafkaConsumer: @unchecked Sendable {
    // Safety: librdkafka consumer calls are thread-safe; Swift state is in `handle.context` (Mutex) and `closed` (Atomic).
    let handle: RdKafkaHandle
    private let logger: Logger
    private let closed = Atomic(false)
    private let subscribed = Atomic(false)

    /// The defaults applied under the caller's properties.
    public static let defaultProperties: [String: String] = [
        "enable.auto.commit": "true",
        "enable.auto.offset.store": "false",
        "partition.assignment.strategy": "cooperative-sticky",
        "auto.offset.reset": "earliest",
    ]

    /// Creates the consumer; `group.id` must be among the properties. Throws a `KafkaError` naming
    /// any property librdkafka rejects.
    ///
    /// With `statistics.interval.ms` set, librdkafka's statistics feed `KafkaStatisticsMetrics`
    /// gauges through `metricsFactory` (nil: the global `MetricsSystem`).
    public init(
        configuration: KafkaConfiguration, logger: Logger, metricsFactory: (any MetricsFactory)? = nil
    ) throws {
        let configuration = configuration.withDefaults(Self.defaultProperties)
        guard configuration["group.id"] != nil else {
            throw KafkaError.configuration(property: "group.id", message: "a consumer needs a group.id")
        }
        let context = RdKafkaCallbackContext(
            logger: logger, statistics: KafkaStatisticsMetrics(factory: metricsFactory))
        self.handle = try RdKafkaHandle(type: RD_KAFKA_CONSUMER, configuration: configuration, context: context) {
            context.installRebalanceCallback(on: $0)
        }
        self.logger = logger
        // Serve logs, statistics and rebalances from rd_kafka_consumer_poll.
        try handle.withPointer { (rk) throws(KafkaError) in
            try KafkaError.check(rd_kafka_poll_set_consumer(rk), "poll_set_consumer")
        }
        context.rebalance.withLock { $0.consumer = self }
    }

    /// Subscribes to `topics`; `listener` hears of assignments and revocations from inside `poll`.
    public func subscribe(topics: [String], listener: (any KafkaRebalanceListener)?) throws {
        handle.context.rebalance.withLock { $0.listener = listener }
        let partitions = topics.map { TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) }
        try TopicPartitionList.with(partitions) { (list) throws(KafkaError) in
            try handle.withPointer { (rk) throws(KafkaError) in
                try KafkaError.check(rd_kafka_subscribe(rk, list), "subscribe to \(topics)")
            }
        }
        subscribed.store(true, ordering: .releasing)
    }

    /// Waits up to `timeout` for the first record, then takes what is already fetched, up to
    /// `maxRecords`. Blocking; serves rebalance callbacks on the calling thread. Non-fatal consumer
    /// errors (broker transport, partition EOF) are logged and skipped; a fatal one is thrown.
    public func poll(maxRecords: Int, timeout: Duration) throws -> [KafkaRecord] {
        var records: [KafkaRecord] = []
        try handle.withPointer { (rk) throws(KafkaError) in
            var waitMilliseconds = timeout.milliseconds
            // Topic names are decoded once per topic handle, not once per record.
            var lastTopic: (handle: OpaquePointer, name: String)?
            while records.count < maxRecords, let message = rd_kafka_consumer_poll(rk, waitMilliseconds) {
                defer { rd_kafka_message_destroy(message) }
                waitMilliseconds = 0
                if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    try handleConsumerError(message, rk)
                    continue
                }
                var topic = ""
                if let topicHandle = message.pointee.rkt {
                    if lastTopic?.handle != topicHandle {
                        lastTopic = (topicHandle, String(cString: rd_kafka_topic_name(topicHandle)))
                    }
                    topic = lastTopic!.name
                }
                records.append(KafkaRecord(copying: message, topic: topic))
            }
        }
        return records
    }

    /// Records the next offsets to consume (the processed record's offset + 1) for the periodic
    /// (or an explicit) commit. Throws if a partition is not currently assigned.
    public func storeOffsets(_ nextOffsets: [TopicPartition: Int64]) throws {
        guard !nextOffsets.isEmpty else { return }
        try TopicPartitionList.with(Array(nextOffsets.keys), offsets: nextOffsets) { (list) throws(KafkaError) in
            try handle.withPointer { (rk) throws(KafkaError) in
                try KafkaError.check(rd_kafka_offsets_store(rk, list), "store offsets")
            }
            try TopicPartitionList.checkErrors(list, "store offset")
        }
    }

    /// Commits the stored offsets synchronously (blocking). Nothing stored is not an error.
    public func commit() throws {
        try handle.withPointer { (rk) throws(KafkaError) in
            let err = rd_kafka_commit(rk, nil, 0)
            guard err != RD_KAFKA_RESP_ERR__NO_OFFSET else { return }
            try KafkaError.check(err, "commit")
        }
    }

    /// Stops fetching `partitions`; records already fetched for them are discarded, and fetching
    /// restarts at the consumer's position on `resume`.
    public func pause(_ partitions: [TopicPartition]) throws {
        try TopicPartitionList.with(partitions) { (list) throws(KafkaError) in
            try handle.withPointer { (rk) throws(KafkaError) in
                try KafkaError.check(rd_kafka_pause_partitions(rk, list), "pause")
            }
            try TopicPartitionList.checkErrors(list, "pause")
        }
    }

    /// Restarts fetching `partitions` paused with `pause`.
    public func resume(_ partitions: [TopicPartition]) throws {
        try TopicPartitionList.with(partitions) { (list) throws(KafkaError) in
            try handle.withPointer { (rk) throws(KafkaError) in
                try KafkaError.check(rd_kafka_resume_partitions(rk, list), "resume")
            }
            try TopicPartitionList.checkErrors(list, "resume")
        }
    }

    /// The group's committed next offsets for `partitions`, asked of the group coordinator
    /// (blocking, up to `timeout`). Works without joining the group: an auditor with the
    /// workers' `group.id` can read how far they got. A partition with nothing committed is absent.
    public func committedOffsets(
        _ partitions: [TopicPartition], timeout: Duration
    ) throws -> [TopicPartition: Int64] {
        try TopicPartitionList.with(partitions) { (list) throws(KafkaError) in
            try handle.withPointer { (rk) throws(KafkaError) in
                try KafkaError.check(rd_kafka_committed(rk, list, timeout.milliseconds), "committed offsets")
            }
            try TopicPartitionList.checkErrors(list, "committed offset")
            return TopicPartitionList.offsets(of: list).filter { $0.value >= 0 }
        }
    }

    /// The partitions currently assigned to this member.
    public func assignment() throws -> [TopicPartition] {
        try handle.withPointer { (rk) throws(KafkaError) in
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
            try KafkaError.check(rd_kafka_assignment(rk, &list), "assignment")
            defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
            return TopicPartitionList.partitions(of: list)
        }
    }

    /// Leaves the group: revokes the assignment through the listener, commits stored offsets
    /// (with auto commit on), and stops. Blocking; call it from the thread that polls, never
    /// concurrently with `poll`. Later calls do nothing.
    public func close() throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try handle.withPointer { (rk) throws(KafkaError) in
            awaitFirstAssignmentIfUnsafeToClose(rk)
            try KafkaError.check(rd_kafka_consumer_close(rk), "close")
        }
        logger.debug("consumer closed", metadata: ["kafka.client": "\(handle.name)"])
    }

    /// librdkafka before 2.3.0 aborts (`rd_kafka_sticky_assignor_state_destroy: Assertion
    /// 'assignor_state' failed`, librdkafka issue 4312) when a cooperative-sticky member is torn
    /// down after joining its group but before its first assignment. On those versions a
    /// subscribed consumer that has not been assigned yet serves the group (discarding any
    /// record, whose offset is never stored) until the assignment arrives, for up to 15 s.
    private func awaitFirstAssignmentIfUnsafeToClose(_ rk: OpaquePointer) {
        guard rd_kafka_version() < 0x0203_00ff, subscribed.load(ordering: .acquiring) else { return }
        let deadline = ContinuousClock.now + .seconds(15)
        while !handle.context.rebalance.withLock({ $0.assignedOnce }), ContinuousClock.now < deadline {
            if let message = rd_kafka_consumer_poll(rk, 100) { rd_kafka_message_destroy(message) }
        }
    }

    private func handleConsumerError(_ message: UnsafeMutablePointer<rd_kafka_message_t>, _ rk: OpaquePointer)
        throws(KafkaError)
    {
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
        let text = String(cString: rd_kafka_message_errstr(message))
        let error = KafkaError.resolvingFatal(err, handle: rk, message: text)
        if error.isFatal { throw error }
        logger.warning("consumer error", metadata: ["kafka.error": "\(error)"])
    }
}

extension KafkaRecord {
    /// Copies everything out of a live librdkafka message (whose topic name the caller decoded).
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>, topic: String) {
        let m = message.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &timestampType)
        self.init(
            topic: topic, partition: m.partition, offset: m.offset,
            key: m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) },
            value: m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) },
            headers: KafkaRecord.headers(of: message),
            timestamp: milliseconds >= 0 ? Date(timeIntervalSince1970: Double(milliseconds) / 1000) : nil)
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            result.append(
                KafkaHeader(
                    key: name.map { String(cString: $0) } ?? "",
                    value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
            index += 1
        }
        return result
    }
}

extension Duration {
    /// Whole milliseconds, clamped to librdkafka's `int` timeout range (negative becomes 0).
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }
}
