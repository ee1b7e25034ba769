import Foundation
import Ledger
import Logging
import Synchronization
import Testing

@testable import Warden

/// Events written to the outbox are handed to the publisher in order without waiting, marked
/// published once acknowledged, and left in the outbox for the relay when the publish fails.
@Suite struct BackgroundPublishingTests {
    /// Holds each batch's completion until the test releases it.
    final class HeldPublisher: EventPublisher {
        typealias Completion = @Sendable (Result<[OutboxDelivery], any Error>) -> Void
        let batches = Mutex<[(events: [OutboxEvent], completion: Completion)]>([])
        func enqueue(_ events: [OutboxEvent], completion: @escaping Completion) {
            batches.withLock { $0.append((events, completion)) }
        }
        /// Acknowledges batch `index`, its events at offsets 100 × index + 0, 1, … of partition 3,
        /// or fails it with `error`.
        func release(_ index: Int, error: (any Error)? = nil) {
            let (events, completion) = batches.withLock { $0[index] }
            if let error { return completion(.failure(error)) }
            completion(
                .success(
                    events.enumerated().map {
                        OutboxDelivery(eventID: $0.element.id, partition: 3, offset: Int64(100 * index + $0.offset))
                    }))
        }
        var handedOver: [String] { batches.withLock { $0.flatMap { $0.events.map(\.id) } } }
    }

    struct BrokerDown: Error {}

    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    static func events(_ ids: [String]) -> [OutboxEvent] {
        ids.map { OutboxEvent(id: $0, topic: "moderation.flags", key: "g-1", payload: Array($0.utf8), createdAt: time) }
    }

    static func outbox(_ ids: [String], store: SQLiteLedgerStore) async throws -> [OutboxEvent] {
        let events = events(ids)
        #expect(try await store.write(LedgerChange(flag: nil, expectedVersion: nil, events: events)) == .applied)
        return events
    }

    static func makePublishing() async throws -> (SQLiteLedgerStore, HeldPublisher, BackgroundPublishing) {
        let store = try SQLiteLedgerStore(path: ":memory:", logger: Logger(label: "test"))
        try await store.migrate()
        let publisher = HeldPublisher()
        let publishing = BackgroundPublishing(
            publisher: publisher, store: store, now: { Self.time }, logger: Logger(label: "test"))
        return (store, publisher, publishing)
    }

    static func unpublished(_ store: SQLiteLedgerStore) async throws -> [String] {
        try await store.pendingOutbox(createdBefore: time.addingTimeInterval(60), limit: 100).map(\.id).sorted()
    }

    @Test func marksPublishedOnlyAfterTheAcknowledgement() async throws {
        let (store, publisher, publishing) = try await Self.makePublishing()

        publishing.start(try await Self.outbox(["e1", "e2"], store: store))
        publishing.start(try await Self.outbox(["e3"], store: store))
        // Handed over at once and in order, none acknowledged yet: all still in the outbox, and
        // in flight (the relay leaves them alone).
        #expect(publisher.handedOver == ["e1", "e2", "e3"])
        #expect(try await Self.unpublished(store) == ["e1", "e2", "e3"])
        #expect(["e1", "e2", "e3"].allSatisfy(publishing.isInFlight))

        publisher.release(1)
        publisher.release(0)
        await publishing.waitUntilIdle()
        #expect(try await Self.unpublished(store).isEmpty)
        #expect(!["e1", "e2", "e3"].contains(where: publishing.isInFlight))
        // The ledger keeps where the broker acknowledged each one.
        let delivered = try await store.deliveredEvents(limit: 10).map(\.delivery).sorted { $0.eventID < $1.eventID }
        #expect(
            delivered == [
                OutboxDelivery(eventID: "e1", partition: 3, offset: 0),
                OutboxDelivery(eventID: "e2", partition: 3, offset: 1),
                OutboxDelivery(eventID: "e3", partition: 3, offset: 100),
            ])
    }

    @Test func leavesFailedEventsToTheRelay() async throws {
        let (store, publisher, publishing) = try await Self.makePublishing()

        publishing.start(try await Self.outbox(["ok"], store: store))
        publishing.start(try await Self.outbox(["lost-1", "lost-2"], store: store))
        publisher.release(0)
        publisher.release(1, error: BrokerDown())
        await publishing.waitUntilIdle()
        #expect(try await Self.unpublished(store) == ["lost-1", "lost-2"])
        // Failed: the relay's now.
        #expect(!["ok", "lost-1", "lost-2"].contains(where: publishing.isInFlight))
        #expect(try await store.deliveredEvents(limit: 10).map(\.event.id) == ["ok"])
    }

    @Test func isIdleWithNothingStarted() async throws {
        let (_, _, publishing) = try await Self.makePublishing()
        publishing.start([])
        await publishing.waitUntilIdle()
    }
}
