import Foundation
import KafkaClient
import Ledger

/// Sends outbox events to Kafka and waits for every acknowledgement. Events of one group keep
/// their order: they share a key, hence a partition, and the producer is idempotent.
public protocol EventPublisher: Sendable {
    func publish(_ events: [OutboxEvent]) async throws
}

/// The Kafka publisher.
public struct KafkaEventPublisher: EventPublisher {
    let producer: KafkaProducer

    public init(producer: KafkaProducer) {
        self.producer = producer
    }

    public func publish(_ events: [OutboxEvent]) async throws {
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
