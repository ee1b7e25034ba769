import Foundation
import KafkaClient
import Ledger

/// Sends outbox events to Kafka and waits for every acknowledgement. Events of one group keep
/// their order: they share a key, hence a partition, and the producer is idempotent.
public protocol EventPublisher: Sendable {
    func publish(_ events: [OutboxEvent]) async throws
}

/// The Kafka publisher. A fatal producer error (librdkafka refuses every later record, e.g. after
/// the broker lost records an idempotent producer had written) goes to `onFatal` before it is
/// thrown: the worker cannot publish again without a new producer.
public struct KafkaEventPublisher: EventPublisher {
    let producer: KafkaProducer
    let onFatal: @Sendable (KafkaError) -> Void

    public init(producer: KafkaProducer, onFatal: @escaping @Sendable (KafkaError) -> Void = { _ in }) {
        self.producer = producer
        self.onFatal = onFatal
    }

    public func publish(_ events: [OutboxEvent]) async throws {
        do {
            try await send(events)
        } catch let error as KafkaError where error.isFatal {
            onFatal(error)
            throw error
        }
    }

    private func send(_ events: [OutboxEvent]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for event in events {
                group.addTask {
                    _ = try await producer.send(
                        topic: event.topic, key: Array(event.key.utf8), value: event.payload,
                        headers: [KafkaHeader(key: "ce_id", value: Array(event.id.utf8))])
                }
            }
            try await group.waitForAll()
        }
    }
}
