/// One property list serves a worker's producer and its consumers; librdkafka warns
/// (CONFWARN) about every property of the other role. These split it.
extension KafkaConfiguration {
    /// Properties librdkafka's CONFIGURATION.md marks consumer-only (C), by name or prefix.
    static let consumerOnly: Set<String> = [
        "group.id", "group.instance.id", "partition.assignment.strategy", "session.timeout.ms",
        "heartbeat.interval.ms", "group.protocol.type", "group.protocol", "group.remote.assignor",
        "coordinator.query.interval.ms", "max.poll.interval.ms", "enable.auto.commit", "auto.commit.interval.ms",
        "enable.auto.offset.store", "queued.min.messages", "queued.max.messages.kbytes", "fetch.wait.max.ms",
        "fetch.queue.backoff.ms", "fetch.message.max.bytes", "max.partition.fetch.bytes", "fetch.max.bytes",
        "fetch.min.bytes", "fetch.error.backoff.ms", "offset.store.method", "isolation.level", "consume_cb",
        "rebalance_cb", "offset_commit_cb", "enable.partition.eof", "check.crcs", "allow.auto.create.topics",
        "auto.offset.reset", "consume.callback.max.messages",
    ]

    /// Properties librdkafka marks producer-only (P).
    static let producerOnly: Set<String> = [
        "transactional.id", "transaction.timeout.ms", "enable.idempotence", "enable.gapless.guarantee",
        "queue.buffering.max.messages", "queue.buffering.max.kbytes", "queue.buffering.max.ms", "linger.ms",
        "message.send.max.retries", "retries", "retry.backoff.ms", "retry.backoff.max.ms",
        "queue.buffering.backpressure.threshold", "compression.codec", "compression.type", "batch.num.messages",
        "batch.size", "delivery.report.only.error", "dr_cb", "dr_msg_cb", "sticky.partitioning.linger.ms",
        "request.required.acks", "acks", "request.timeout.ms", "message.timeout.ms", "delivery.timeout.ms",
        "queuing.strategy", "produce.offset.report", "partitioner", "partitioner_cb", "msg_order_cmp",
        "compression.level",
    ]

    /// These properties without the consumer-only ones.
    public var forProducer: KafkaConfiguration {
        KafkaConfiguration(properties.filter { !Self.consumerOnly.contains($0.key) })
    }

    /// These properties without the producer-only ones.
    public var forConsumer: KafkaConfiguration {
        KafkaConfiguration(properties.filter { !Self.producerOnly.contains($0.key) })
    }
}
