import CRdKafka
import Foundation
import Logging

/// The ceiling a consumer pipeline is measured against: one consumer-group member reading
/// records as fast as librdkafka delivers them (`rd_kafka_consume_batch_queue`), doing nothing
/// per record but counting. Records are never copied into Swift.
public enum RawConsumptionBenchmark {
    /// What one run saw.
    public struct Measurement: Sendable {
        /// Records counted (at least `expected` unless the run timed out, which throws instead).
        public var records: Int
        /// From subscribing to the first record: mostly the group join (~3 s on the mock cluster).
        public var untilFirstRecord: Duration
        /// From the first record to the `expected`-th: the figure to compare pipelines with.
        public var consumption: Duration

        public var recordsPerSecond: Double {
            let seconds = Double(consumption.components.seconds) + Double(consumption.components.attoseconds) / 1e18
            return seconds > 0 ? Double(records) / seconds : .infinity
        }
    }

    /// Consumes `expected` records of `topic` from the start as a new member of a fresh group and
    /// returns the consumption time (first record to last). Blocking work runs on its own thread.
    public static func run(
        bootstrap: String, topic: String, expected: Int, properties: [String: String] = [:],
        timeout: Duration = .seconds(120), logger: Logger = Logger(label: "RawConsumptionBenchmark")
    ) async throws -> Duration {
        try await measure(
            bootstrap: bootstrap, topic: topic, expected: expected, properties: properties, timeout: timeout,
            logger: logger
        ).consumption
    }

    /// Like `run`, with the join time and record count as well.
    public static func measure(
        bootstrap: String, topic: String, expected: Int, properties: [String: String] = [:],
        timeout: Duration = .seconds(120), logger: Logger = Logger(label: "RawConsumptionBenchmark")
    ) async throws -> Measurement {
        var configuration = KafkaConfiguration(bootstrapServers: bootstrap, properties)
        if configuration["group.id"] == nil {
            configuration["group.id"] = "raw-consumption-\(UUID().uuidString)"
        }
        if configuration["session.timeout.ms"] == nil {
            configuration["session.timeout.ms"] = "6000"
            configuration["heartbeat.interval.ms"] = "1000"
        }
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let executor = BlockingExecutor(name: "raw-consumption")
        defer { executor.shutdown() }
        return try await executor.run {
            try consumer.subscribe(topics: [topic], listener: nil)
            defer { try? consumer.close() }
            return try consumer.countRecords(expected: expected, timeout: timeout)
        }
    }
}

extension KafkaConsumer {
    /// Counts delivered records (errors and EOF markers excluded) until `expected` or `timeout`.
    fileprivate func countRecords(expected: Int, timeout: Duration) throws -> RawConsumptionBenchmark.Measurement {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        var firstRecord: ContinuousClock.Instant?
        var count = 0
        try handle.withPointer { (rk) throws(KafkaError) in
            let queue = rd_kafka_queue_get_consumer(rk)!
            // Must be released before the consumer closes.
            defer { rd_kafka_queue_destroy(queue) }
            var batch = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: 10_000)
            while count < expected {
                guard clock.now < deadline else {
                    throw KafkaError(
                        RD_KAFKA_RESP_ERR__TIMED_OUT,
                        message: "counted \(count) of \(expected) records within \(timeout)")
                }
                let received = rd_kafka_consume_batch_queue(queue, 100, &batch, batch.count)
                guard received > 0 else { continue }
                for message in batch[0..<received] {
                    guard let message else { continue }
                    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR { count += 1 }
                    rd_kafka_message_destroy(message)
                }
                if firstRecord == nil, count > 0 { firstRecord = clock.now }
            }
        }
        let end = clock.now
        let first = firstRecord ?? end
        return .init(records: count, untilFirstRecord: first - start, consumption: end - first)
    }
}
