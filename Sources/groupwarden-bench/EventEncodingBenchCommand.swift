import ArgumentParser
import Escalation
import Foundation
import Warden

/// Events/s of the CloudEvents encoder against Foundation's `JSONEncoder` with the same settings,
/// on the events one flag's life produces (raised, notified, escalated, resolved).
struct EventEncodingBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "CloudEvents encoded/s: GroupWarden's encoder versus Foundation's JSONEncoder."
    )

    @Option(help: "Flags whose events are encoded (each pass).")
    var flags = 20_000

    func run() throws {
        let chain = ResponsibilityChain()
        let now = Date(timeIntervalSince1970: 1_795_338_000)
        var events: [IdentifiedEvent] = []
        for index in 0..<1_000 {
            let message = FlaggedMessage(
                messageID: "m-\(index)", groupID: "g-\(index % 97)", senderID: "u-\(index)",
                group: GroupSnapshot(ownerID: "owner-\(index % 97)", adminIDs: ["admin-1"], memberCount: 40),
                categories: [
                    CategoryFinding(
                        category: "fraud", score: 0.83, rules: ["fraud.lexicon", "fraud.url"],
                        evidence: [.text(start: 3, end: 11), .attachment(index: 0)])
                ], severity: .high)
            let raised = chain.raise(message, existing: nil, groupIsPrimarilyIllegal: false, now: now)
            events += raised.events
            if let flag = raised.flag {
                events += chain.deadlineFired(flag, now: now.addingTimeInterval(86_400)).events
            }
        }
        let rounds = max(1, flags / 1_000)
        func time(_ encode: (IdentifiedEvent) throws -> Int) throws -> (rate: Double, bytes: Int) {
            var bytes = 0
            let start = ContinuousClock.now
            for _ in 0..<rounds { for event in events { bytes += try encode(event) } }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            return (Double(events.count * rounds) / seconds, bytes)
        }
        let ours = try time { try envelope($0) { try $0.encoded().count } }
        let foundation = try time { try envelope($0) { try CloudEventCoding.encoder.encode($0).count } }
        print(
            "events=\(events.count * rounds) ours_per_second=\(Int(ours.rate)) foundation_per_second=\(Int(foundation.rate)) speedup=\(String(format: "%.2f", ours.rate / foundation.rate)) same_bytes=\(ours.bytes == foundation.bytes)"
        )
    }

    /// Encodes `identified` as a CloudEvent with `encode`, whatever its payload type.
    private func envelope(
        _ identified: IdentifiedEvent, _ encode: (CloudEvent<AnyPayload>) throws -> Int
    ) throws -> Int {
        let data: any Encodable & Sendable =
            switch identified.event {
            case .flagRaised(let data): data
            case .ownerNotified(let data): data
            case .flagEscalated(let data): data
            case .flagResolved(let data): data
            case .groupAlert(let data): data
            }
        return try encode(
            CloudEvent(
                id: identified.id, source: "groupwarden/bench", type: identified.event.type, time: identified.time,
                subject: identified.event.groupID, data: AnyPayload(data)))
    }
}

/// A payload of any type, encoded as itself.
struct AnyPayload: Encodable, Sendable {
    let value: any Encodable & Sendable
    init(_ value: any Encodable & Sendable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
