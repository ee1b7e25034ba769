import ArgumentParser
import Foundation
import KafkaClient
import Logging
import ServiceLifecycle
import Synchronization
import WorkerPool

/// `groupwarden-bench worker-pool`: starts EmbeddedKafka, fills a topic, then reads the same
/// records twice in one run — a tight `KafkaConsumer.poll` loop (raw librdkafka consumption)
/// and a `WorkerPool` with a no-op handler — and prints both rates and their ratio. Rates run
/// from the first record received to the last (the ~3 s group join is excluded from both).
struct WorkerPoolBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker-pool",
        abstract: "Records/s through WorkerPool (no-op handler) versus a raw poll loop, same records, same run.")

    @Option(help: "Records to produce and consume.")
    var records = 1_000_000
    @Option(
        help: "Partitions of the topic (a mock partition keeps only ~5 MiB: keep records×size/partitions under it).")
    var partitions: Int32 = 64
    @Option(help: "Distinct keys.")
    var keys = 10_000
    @Option(help: "Value size in bytes.")
    var valueSize = 200
    @Option(help: "WorkerPool maxInFlight.")
    var maxInFlight = 20_000
    @Option(help: "WorkerPool worker tasks.")
    var concurrency = 4
    @Option(help: "Records per poll (both readers).")
    var batch = 1000
    @Flag(help: "Skip the raw baseline (for profiling the pool alone).")
    var poolOnly = false

    func run() async throws {
        var logger = Logger(label: "groupwarden-bench")
        logger.logLevel = .error
        let kafka = try EmbeddedKafka(logger: logger)
        let topic = "bench-worker-pool"
        try kafka.createTopic(topic, partitions: partitions)
        let produceSeconds = try await produce(kafka, topic: topic, logger: logger)
        print(
            "produced=\(records) value_bytes=\(valueSize) keys=\(keys) partitions=\(partitions) seconds=\(fmt(produceSeconds))"
        )

        let raw = poolOnly ? (count: 1, seconds: 1) : try await consumeRaw(kafka, topic: topic, logger: logger)
        print(
            "raw_records=\(raw.count) raw_seconds=\(fmt(raw.seconds)) raw_rate=\(Int(Double(raw.count) / raw.seconds))")
        let pool = try await consumeWithPool(kafka, topic: topic, logger: logger)
        print(
            "pool_records=\(pool.count) pool_seconds=\(fmt(pool.seconds)) pool_rate=\(Int(Double(pool.count) / pool.seconds))"
        )
        let ratio = (Double(pool.count) / pool.seconds) / (Double(raw.count) / raw.seconds)
        print("ratio=\(fmt(ratio)) target=0.8 \(ratio >= 0.8 ? "met" : "missed")")
    }

    private func consumerConfiguration(_ kafka: EmbeddedKafka, group: String) -> KafkaConfiguration {
        KafkaConfiguration(
            bootstrapServers: kafka.bootstrapServers,
            ["group.id": group, "session.timeout.ms": "6000", "heartbeat.interval.ms": "1000"])
    }

    private func produce(_ kafka: EmbeddedKafka, topic: String, logger: Logger) async throws -> Double {
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(
                bootstrapServers: kafka.bootstrapServers,
                ["linger.ms": "20", "batch.num.messages": "10000", "queue.buffering.max.messages": "500000"]),
            logger: logger)
        let value = [UInt8](repeating: 0x61, count: valueSize)
        let keyBytes = (0..<keys).map { Array("group-\($0)".utf8) }
        let start = ContinuousClock.now
        let window = 2_000  // a task group removes finished children in O(children): keep it small
        var sent = 0
        while sent < records {
            let end = min(records, sent + window)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in sent..<end {
                    group.addTask {
                        _ = try await producer.send(topic: topic, key: keyBytes[index % keyBytes.count], value: value)
                    }
                }
                try await group.waitForAll()
            }
            sent = end
        }
        try producer.flush(timeout: .seconds(30))
        return seconds(ContinuousClock.now - start)
    }

    /// The baseline: one thread polling `batch` records at a time and counting them.
    private func consumeRaw(_ kafka: EmbeddedKafka, topic: String, logger: Logger) async throws -> (
        count: Int, seconds: Double
    ) {
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(kafka, group: "bench-raw"), logger: logger)
        let executor = BlockingExecutor(name: "bench-raw-poll")
        defer { executor.shutdown() }
        let target = records
        let batch = self.batch
        let result = try await executor.run { () throws -> (Int, Double) in
            try consumer.subscribe(topics: [topic], listener: nil)
            var count = 0
            var first: ContinuousClock.Instant?
            let deadline = ContinuousClock.now + .seconds(300)
            while count < target, ContinuousClock.now < deadline {
                let polled = try consumer.poll(maxRecords: batch, timeout: .milliseconds(100))
                if first == nil, !polled.isEmpty { first = .now }
                count += polled.count
            }
            let elapsed = first.map { ContinuousClock.now - $0 } ?? .zero
            try consumer.close()
            return (count, Self.seconds(elapsed))
        }
        return result
    }

    private func consumeWithPool(_ kafka: EmbeddedKafka, topic: String, logger: Logger) async throws -> (
        count: Int, seconds: Double
    ) {
        let consumer = try KafkaConsumer(
            configuration: consumerConfiguration(kafka, group: "bench-pool"), logger: logger)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: kafka.bootstrapServers), logger: logger)
        let counter = ProgressCounter(target: records)
        let configuration = WorkerPoolConfiguration(
            topics: [topic], deadLetterTopic: "bench-dlq", maxInFlight: maxInFlight, maxConcurrency: concurrency,
            pollBatchSize: batch)
        let pool = WorkerPool(
            consumer: consumer, deadLetterProducer: producer,
            handler: ClosureRecordHandler { _ in counter.increment() }, configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [pool], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let elapsed = await counter.waitForTarget()
        await group.triggerGracefulShutdown()
        try await running.value
        return (counter.count, Self.seconds(elapsed))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    private func seconds(_ duration: Duration) -> Double { Self.seconds(duration) }
}
