import Escalation
import Foundation
import Ledger

/// Turns the chain's events into outbox rows: CloudEvents JSON on the configured topics, keyed
/// by group id.
public struct EventEncoder: Sendable {
    public var source: String
    public var topics: WardenConfiguration.Topics

    public init(source: String, topics: WardenConfiguration.Topics) {
        self.source = source
        self.topics = topics
    }

    public func outboxEvent(_ identified: IdentifiedEvent) throws -> OutboxEvent {
        let event = identified.event
        let type = EventType(rawValue: event.type) ?? .flagRaised
        let bytes: [UInt8]
        switch event {
        case .flagRaised(let data): bytes = try envelope(identified, data)
        case .ownerNotified(let data): bytes = try envelope(identified, data)
        case .flagEscalated(let data): bytes = try envelope(identified, data)
        case .flagResolved(let data): bytes = try envelope(identified, data)
        case .groupAlert(let data): bytes = try envelope(identified, data)
        }
        // `createdAt` is wall-clock time, not the event's logical time: the outbox relay uses it
        // to leave fresh events to the direct publish path.
        return OutboxEvent(
            id: identified.id, topic: type.topic(in: topics), key: event.groupID, payload: bytes, createdAt: Date())
    }

    public func outboxEvents(_ events: [IdentifiedEvent]) throws -> [OutboxEvent] {
        try events.map(outboxEvent)
    }

    private func envelope<Payload: Encodable & Sendable>(_ identified: IdentifiedEvent, _ data: Payload) throws
        -> [UInt8]
    {
        try CloudEvent(
            id: identified.id, source: source, type: identified.event.type, time: identified.time,
            subject: identified.event.groupID, data: data
        ).encoded()
    }
}
