import Foundation
import KafkaClient
import Logging
import Synchronization
import Testing

/// Shared helpers: unique names, configurations tuned for the mock cluster, and polling with a deadline.
enum KafkaTestSupport {
    static let logger: Logger = {
        var logger = Logger(label: "KafkaClientTests")
        logger.logLevel = .warning
        return logger
    }()

    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Group timings the mock cluster settles quickly with (see NOTES.md).
    static func consumerConfiguration(_ kafka: EmbeddedKafka, group: String) -> KafkaConfiguration {
        KafkaConfiguration(
            bootstrapServers: kafka.bootstrapServers,
            ["group.id": group, "session.timeout.ms": "3000", "heartbeat.interval.ms": "1000"])
    }

    static func producer(_ kafka: EmbeddedKafka) throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: kafka.bootstrapServers), logger: logger)
    }

    struct DeadlineExceeded: Error, CustomStringConvertible {
        var description: String
    }
}

/// A consumer polled on its own blocking thread, accumulating what it receives.
final class PolledConsumer: Sendable {
    let consumer: KafkaConsumer
    let listener = RecordingListener()
    private let executor: BlockingExecutor
    private let received = Mutex<[KafkaRecord]>([])

    init(configuration: KafkaConfiguration, topics: [String]) throws {
        consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTestSupport.logger)
        executor = BlockingExecutor(name: "test-consumer")
        try consumer.subscribe(topics: topics, listener: listener)
    }

    var records: [KafkaRecord] { received.withLock { $0 } }

    /// Polls once (100 ms at most) on the consumer's thread and keeps the records.
    func pollOnce() async throws {
        let consumer = self.consumer
        let batch = try await executor.run { try consumer.poll(maxRecords: 1000, timeout: .milliseconds(100)) }
        received.withLock { $0.append(contentsOf: batch) }
    }

    /// Polls until `condition` holds, failing after `timeout`.
    func poll(until condition: @Sendable (PolledConsumer) throws -> Bool, timeout: Duration = .seconds(30)) async throws
    {
        let deadline = ContinuousClock.now + timeout
        while try !condition(self) {
            guard ContinuousClock.now < deadline else {
                throw KafkaTestSupport.DeadlineExceeded(description: "condition not met within \(timeout)")
            }
            try await pollOnce()
        }
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (KafkaConsumer) throws -> T) async throws -> T {
        let consumer = self.consumer
        return try await executor.run { try body(consumer) }
    }

    func close() async throws {
        try await run { try $0.close() }
    }
}

/// Polls several consumers concurrently until `condition` holds (rebalances need every member polling).
func pollAll(
    _ consumers: [PolledConsumer], timeout: Duration = .seconds(30),
    until condition: @escaping @Sendable () throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            throw KafkaTestSupport.DeadlineExceeded(description: "condition not met within \(timeout)")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for consumer in consumers { group.addTask { try await consumer.pollOnce() } }
            try await group.waitForAll()
        }
    }
}

/// Records every rebalance callback in order.
final class RecordingListener: KafkaRebalanceListener {
    enum Event: Hashable, Sendable {
        case assigned([TopicPartition])
        case revoked([TopicPartition])
        case lost([TopicPartition])
    }

    private let recorded = Mutex<[Event]>([])

    var events: [Event] { recorded.withLock { $0 } }

    /// What the listener was last told this member owns.
    var owned: Set<TopicPartition> {
        events.reduce(into: Set<TopicPartition>()) { owned, event in
            switch event {
            case .assigned(let partitions): owned.formUnion(partitions)
            case .revoked(let partitions), .lost(let partitions): owned.subtract(partitions)
            }
        }
    }

    var revoked: [TopicPartition] {
        events.flatMap { event -> [TopicPartition] in
            guard case .revoked(let partitions) = event else { return [] }
            return partitions
        }
    }

    func partitionsAssigned(_ partitions: [TopicPartition], by consumer: KafkaConsumer) {
        recorded.withLock { $0.append(.assigned(partitions)) }
    }

    func partitionsRevoked(_ partitions: [TopicPartition], by consumer: KafkaConsumer) {
        recorded.withLock { $0.append(.revoked(partitions)) }
    }

    func partitionsLost(_ partitions: [TopicPartition], by consumer: KafkaConsumer) {
        recorded.withLock { $0.append(.lost(partitions)) }
    }
}
