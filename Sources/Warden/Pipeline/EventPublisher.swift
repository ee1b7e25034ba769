import Foundation
import KafkaClient
import Ledger
import Synchronization

/// Sends outbox events to the platform's topics. Events of one group keep their order: they
/// share a key, hence a partition, the producer is idempotent, and `enqueue` hands them over in
/// order before it returns.
public protocol EventPublisher: Sendable {
    /// Hands `events` to the transport, in order, and returns; `completion` is called once, with
    /// where the broker acknowledged each event, or with the first error.
    func enqueue(_ events: [OutboxEvent], completion: @escaping @Sendable (Result<[OutboxDelivery], any Error>) -> Void)
}

extension EventPublisher {
    /// Publishes `events` and waits for every acknowledgement.
    public func publish(_ events: [OutboxEvent]) async throws -> [OutboxDelivery] {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(events) { continuation.resume(with: $0) }
        }
    }
}

/// The Kafka publisher. A fatal producer error (librdkafka refuses every later record, e.g. after
/// the broker lost records an idempotent producer had written) goes to `onFatal` before it is
/// reported: the worker cannot publish again without a new producer.
public struct KafkaEventPublisher: EventPublisher {
    let producer: KafkaProducer
    let onFatal: @Sendable (KafkaError) -> Void

    public init(producer: KafkaProducer, onFatal: @escaping @Sendable (KafkaError) -> Void = { _ in }) {
        self.producer = producer
        self.onFatal = onFatal
    }

    public func enqueue(
        _ events: [OutboxEvent], completion: @escaping @Sendable (Result<[OutboxDelivery], any Error>) -> Void
    ) {
        guard !events.isEmpty else { return completion(.success([])) }
        let tally = DeliveryTally(expected: events.count, completion: completion)
        for (index, event) in events.enumerated() {
            do {
                try producer.enqueue(
                    topic: event.topic, key: Array(event.key.utf8), value: event.payload,
                    headers: [KafkaHeader(key: "ce_id", value: Array(event.id.utf8))]
                ) { result in
                    switch result {
                    case .success(let position):
                        tally.record(
                            OutboxDelivery(eventID: event.id, partition: position.partition, offset: position.offset))
                    case .failure(let error): tally.record(reporting(error))
                    }
                }
            } catch {
                // Not taken (e.g. the local queue is full): the later events would overtake it, so
                // stop here; the outbox relay publishes the rest in order.
                tally.record(reporting(error), count: events.count - index)
                return
            }
        }
    }

    private func reporting(_ error: any Error) -> any Error {
        if let kafkaError = error as? KafkaError, kafkaError.isFatal { onFatal(kafkaError) }
        return error
    }
}

/// Counts the outcomes of one batch of events and calls its completion once, when the last
/// one is in: every acknowledgement, or the first error seen.
final class DeliveryTally: Sendable {
    private struct State {
        var outstanding: Int
        var deliveries: [OutboxDelivery] = []
        var firstError: (any Error)?
    }

    private let state: Mutex<State>
    private let completion: @Sendable (Result<[OutboxDelivery], any Error>) -> Void

    init(expected: Int, completion: @escaping @Sendable (Result<[OutboxDelivery], any Error>) -> Void) {
        state = Mutex(State(outstanding: expected))
        self.completion = completion
    }

    func record(_ delivery: OutboxDelivery) {
        finish(count: 1) { $0.deliveries.append(delivery) }
    }

    func record(_ error: any Error, count: Int = 1) {
        finish(count: count) { state in
            if state.firstError == nil { state.firstError = error }
        }
    }

    private func finish(count: Int, _ update: (inout State) -> Void) {
        let outcome = state.withLock { state -> Result<[OutboxDelivery], any Error>? in
            update(&state)
            state.outstanding -= count
            guard state.outstanding == 0 else { return nil }
            if let error = state.firstError { return .failure(error) }
            return .success(state.deliveries)
        }
        if let outcome { completion(outcome) }
    }
}
