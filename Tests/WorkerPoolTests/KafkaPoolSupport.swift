import Foundation
import KafkaClient
import Logging
import Synchronization

@testable import WorkerPool

/// Helpers for running pools against EmbeddedKafka.
enum KafkaPoolSupport {
    struct DeadlineExceeded: Error, CustomStringConvertible {
        var description: String
    }

    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Group timings the mock cluster settles quickly with (see NOTES.md).
    static func consumer(_ kafka: EmbeddedKafka, group: String, _ extra: [String: String] = [:]) throws
        -> KafkaConsumer
    {
        var properties = ["group.id": group, "session.timeout.ms": "3000", "heartbeat.interval.ms": "1000"]
        properties.merge(extra) { _, new in new }
        return try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: kafka.bootstrapServers, properties),
            logger: PoolTestSupport.logger)
    }

    static func producer(_ kafka: EmbeddedKafka) throws -> KafkaProducer {
        try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: kafka.bootstrapServers),
            logger: PoolTestSupport.logger)
    }

    /// A pool over a fresh consumer in `group` with a fresh DLQ producer.
    static func pool(
        _ kafka: EmbeddedKafka, group: String, topic: String, dlq: String = "dlq",
        configure: (inout WorkerPoolConfiguration) -> Void = { _ in },
        handle: @escaping @Sendable (KafkaRecord) async throws -> Void
    ) throws -> WorkerPool<ClosureRecordHandler> {
        var configuration = WorkerPoolConfiguration(topics: [topic], deadLetterTopic: dlq, maxConcurrency: 16)
        configuration.retryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5), jitter: .full)
        configuration.pollTimeout = .milliseconds(50)
        configure(&configuration)
        return WorkerPool(
            consumer: try consumer(kafka, group: group), deadLetterProducer: try producer(kafka),
            handler: ClosureRecordHandler(handle), configuration: configuration, logger: PoolTestSupport.logger)
    }

    /// Sends records concurrently and waits for every acknowledgement.
    static func produce(
        _ producer: KafkaProducer, topic: String, count: Int, partition: Int32? = nil,
        key: @escaping @Sendable (Int) -> String?, value: @escaping @Sendable (Int) -> String
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    _ = try await producer.send(
                        topic: topic, partition: partition, key: key(index).map { Array($0.utf8) },
                        value: Array(value(index).utf8))
                }
            }
            try await group.waitForAll()
        }
    }

    /// Re-checks `condition` (cheaply, every 20 ms) until it holds; throws after `timeout`.
    static func eventually(
        _ what: String, timeout: Duration = .seconds(30), _ condition: @Sendable () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else {
                throw DeadlineExceeded(description: "timed out after \(timeout) waiting for \(what)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Reads `count` records of `topic` from the beginning with a throw-away group.
    static func read(_ kafka: EmbeddedKafka, topic: String, count: Int) async throws -> [KafkaRecord] {
        let consumer = try consumer(kafka, group: unique("reader"))
        let executor = BlockingExecutor(name: "test-reader")
        defer { executor.shutdown() }
        try await executor.run { try consumer.subscribe(topics: [topic], listener: nil) }
        var records: [KafkaRecord] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while records.count < count {
            guard ContinuousClock.now < deadline else {
                throw DeadlineExceeded(description: "read \(records.count) of \(count) records of \(topic)")
            }
            records += try await executor.run { try consumer.poll(maxRecords: 1000, timeout: .milliseconds(100)) }
        }
        try await executor.run { try consumer.close() }
        return records
    }
}

/// Every record a handler completed, by the pool that completed it.
struct Ledger: Sendable {
    struct Entry: Hashable, Sendable {
        var partition: Int32
        var offset: Int64
    }

    var handled: [String: [Entry]] = [:]
    var started: [String: Set<Entry>] = [:]

    func count(_ pool: String) -> Int { handled[pool, default: []].count }
    var total: Int { handled.values.reduce(0) { $0 + $1.count } }
    var distinct: Set<Entry> { Set(handled.values.joined()) }

    mutating func start(_ pool: String, _ record: KafkaRecord) {
        started[pool, default: []].insert(Entry(partition: record.partition, offset: record.offset))
    }

    mutating func finish(_ pool: String, _ record: KafkaRecord) {
        handled[pool, default: []].append(Entry(partition: record.partition, offset: record.offset))
    }
}
