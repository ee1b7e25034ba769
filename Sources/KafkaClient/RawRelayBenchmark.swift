import CRdKafka
import Foundation
import Logging

/// The ceiling a consume → produce pipeline is measured against: one consumer-group member reads
/// records with `rd_kafka_consume_batch_queue` and a plain producer forwards each one unchanged
/// (`rd_kafka_produce` with `RD_KAFKA_MSG_F_COPY`) to another topic. The run ends when the last
/// forwarded record is acknowledged (`rd_kafka_flush`). Nothing is copied into Swift.
public enum RawRelayBenchmark {
    /// What one run saw.
    public struct Measurement: Sendable {
        /// Records consumed and forwarded.
        public var records: Int
        /// From subscribing to the first record: mostly the group join.
        public var untilFirstRecord: Duration
        /// From the first record consumed to the last forwarded record acknowledged.
        public var relay: Duration

        public var recordsPerSecond: Double {
            let seconds = Double(relay.components.seconds) + Double(relay.components.attoseconds) / 1e18
            return seconds > 0 ? Double(records) / seconds : .infinity
        }
    }

    /// Forwards `expected` records of `source` (from the start, as a fresh group) to `destination`.
    /// `producerProperties` apply to the producer only; `consumerProperties` to the consumer only.
    public static func measure(
        bootstrap: String, source: String, destination: String, expected: Int,
        consumerProperties: [String: String] = [:], producerProperties: [String: String] = [:],
        timeout: Duration = .seconds(180), logger: Logger = Logger(label: "RawRelayBenchmark")
    ) async throws -> Measurement {
        var consumerConfiguration = KafkaConfiguration(bootstrapServers: bootstrap, consumerProperties)
        if consumerConfiguration["group.id"] == nil {
            consumerConfiguration["group.id"] = "raw-relay-\(UUID().uuidString)"
        }
        if consumerConfiguration["session.timeout.ms"] == nil {
            consumerConfiguration["session.timeout.ms"] = "6000"
            consumerConfiguration["heartbeat.interval.ms"] = "1000"
        }
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        let producer = try RdKafkaHandle(
            type: RD_KAFKA_PRODUCER,
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, producerProperties),
            context: RdKafkaCallbackContext(logger: logger, statistics: KafkaStatisticsMetrics(factory: nil)))
        let executor = BlockingExecutor(name: "raw-relay")
        defer { executor.shutdown() }
        return try await executor.run {
            try consumer.subscribe(topics: [source], listener: nil)
            defer { try? consumer.close() }
            return try consumer.relay(
                expected: expected, to: destination, producer: producer, timeout: timeout)
        }
    }
}

extension KafkaConsumer {
    fileprivate func relay(
        expected: Int, to destination: String, producer: RdKafkaHandle, timeout: Duration
    ) throws -> RawRelayBenchmark.Measurement {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        var firstRecord: ContinuousClock.Instant?
        var count = 0
        try producer.withPointer { (producerPointer) throws(KafkaError) in
            guard let topic = rd_kafka_topic_new(producerPointer, destination, nil) else {
                throw KafkaError(rd_kafka_last_error(), message: "cannot open topic \(destination)")
            }
            defer { rd_kafka_topic_destroy(topic) }
            try handle.withPointer { (rk) throws(KafkaError) in
                let queue = rd_kafka_queue_get_consumer(rk)!
                defer { rd_kafka_queue_destroy(queue) }
                var batch = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: 10_000)
                while count < expected {
                    guard clock.now < deadline else {
                        throw KafkaError(
                            RD_KAFKA_RESP_ERR__TIMED_OUT,
                            message: "relayed \(count) of \(expected) records within \(timeout)")
                    }
                    let received = rd_kafka_consume_batch_queue(queue, 100, &batch, batch.count)
                    guard received > 0 else { continue }
                    if firstRecord == nil { firstRecord = clock.now }
                    for message in batch[0..<received] {
                        guard let message else { continue }
                        defer { rd_kafka_message_destroy(message) }
                        guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
                        try forward(message.pointee, topic: topic, producer: producerPointer)
                        count += 1
                    }
                    rd_kafka_poll(producerPointer, 0)
                }
            }
            let flushed = rd_kafka_flush(producerPointer, Int32(clamping: timeout.components.seconds * 1000))
            guard flushed == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(flushed, message: "relay flush did not complete")
            }
        }
        let end = clock.now
        let first = firstRecord ?? end
        return .init(records: count, untilFirstRecord: first - start, relay: end - first)
    }

    /// Enqueues one copy of `message`, waiting for queue room when the producer is full.
    private func forward(_ message: rd_kafka_message_t, topic: OpaquePointer, producer: OpaquePointer)
        throws(KafkaError)
    {
        while true {
            let result = rd_kafka_produce(
                topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, message.payload, message.len, message.key,
                message.key_len, nil)
            if result == 0 { return }
            let error = rd_kafka_last_error()
            guard error == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                throw KafkaError(error, message: "relay produce failed")
            }
            rd_kafka_poll(producer, 10)
        }
    }
}
