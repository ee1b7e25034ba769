import Escalation
import Foundation
import Testing

@testable import Warden

/// `EventJSONEncoder` against Foundation's `JSONEncoder` with the contract's settings
/// (`CloudEventCoding.encoder`): the same bytes for every event type, over seeded random
/// contents (escapes, non-ASCII text, slashes, scores, optional fields), and the same key names.
@Suite struct EventJSONEncoderTests {
    /// A key-only value, to see what Foundation makes of one key name.
    struct OneKey: Encodable {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        let name: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(1, forKey: Key(stringValue: name))
        }
    }

    @Test func keyNamesMatchFoundationsSnakeCase() throws {
        let names = [
            "flagID", "ownerID", "adminIDs", "myURLKey", "URL", "a", "A", "aB", "ABC", "ABCd", "timeToActionSeconds",
            "recommendedMeasures", "already_snake", "x1Y2z", "specversion", "datacontenttype", "expectedActions",
            "ownerDeadline", "aBCDeF", "HTTPRequest", "iPhone",
        ]
        for name in names {
            let foundation = String(decoding: try CloudEventCoding.encoder.encode(OneKey(name: name)), as: UTF8.self)
            let ours = String(decoding: try EventJSONEncoder.encode(OneKey(name: name)), as: UTF8.self)
            #expect(ours == foundation, "key \(name)")
        }
    }

    static let alphabet: [Character] = [
        "a", "Z", "0", "-", ":", " ", "/", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}",
        "\u{7F}", "é", "中", "群", "😀", "\u{2028}",
    ]

    static func text(_ random: inout SplitMix64) -> String {
        String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
    }

    static func score(_ random: inout SplitMix64) -> Double {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: [0, 1, 0.5, 0.1, 1e-7, 0.30000000000000004, 123_456.789, 2.5e-5].randomElement(using: &random)!
        case 1: Double(Int.random(in: 0...1000, using: &random)) / 1000
        default: Double.random(in: 0...1, using: &random)
        }
    }

    static func finding(_ random: inout SplitMix64) -> CategoryFinding {
        CategoryFinding(
            category: text(&random), score: score(&random),
            rules: (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random) },
            evidence: (0..<Int.random(in: 0...3, using: &random)).map { _ in
                Bool.random(using: &random)
                    ? .text(
                        start: Int.random(in: 0...500, using: &random), end: Int.random(in: 0...500, using: &random))
                    : .attachment(index: Int.random(in: 0...9, using: &random))
            })
    }

    /// Every event the chain emits for one random flag's life, plus a decoded group alert.
    static func events(_ random: inout SplitMix64) throws -> [IdentifiedEvent] {
        let chain = ResponsibilityChain()
        let now = Date(
            timeIntervalSince1970: 1_795_338_000 + Double.random(in: 0...1e7, using: &random).rounded() / 1000)
        let owner: String? = Bool.random(using: &random) ? text(&random) : nil
        let message = FlaggedMessage(
            messageID: text(&random), groupID: text(&random), senderID: text(&random),
            group: GroupSnapshot(ownerID: owner, adminIDs: [text(&random)], memberCount: 40),
            categories: (0..<Int.random(in: 1...3, using: &random)).map { _ in finding(&random) },
            severity: Severity.allCases.randomElement(using: &random)!)
        let raised = chain.raise(message, existing: nil, groupIsPrimarilyIllegal: Bool.random(using: &random), now: now)
        var events = raised.events
        if let flag = raised.flag {
            let fired = chain.deadlineFired(flag, now: now.addingTimeInterval(86_400 * 3))
            events += fired.events
            let action = AuthorizedAction(
                actionID: text(&random), actorID: text(&random), role: .provider, action: .dismiss,
                at: now.addingTimeInterval(Double.random(in: 1...9_999, using: &random)))
            events += chain.apply(action, to: fired.flag ?? flag).events
        }
        let alertJSON: [String: Any] = [
            "groupID": text(&random), "reason": "primarily_illegal_content",
            "memberCount": Int.random(in: 0...5_000, using: &random), "window": 3600,
            "flaggedMessages": Int.random(in: 0...500, using: &random), "flaggedRatio": score(&random),
            "recommendedMeasures": ["warn_and_rectify", "lower_credit"],
        ]
        let alert = try JSONDecoder().decode(GroupAlert.self, from: JSONSerialization.data(withJSONObject: alertJSON))
        events.append(IdentifiedEvent(id: text(&random), time: now, event: .groupAlert(alert)))
        return events
    }

    @Test func everyEventTypeEncodesToFoundationsBytes() throws {
        var random = SplitMix64(seed: 20_261_127)
        var types = Set<String>()
        for _ in 0..<400 {
            for identified in try Self.events(&random) {
                types.insert(identified.event.type)
                try expectSameBytes(identified)
            }
        }
        #expect(types == Set(EventType.allCases.map(\.rawValue)), "every event type was encoded")
    }

    private func expectSameBytes(_ identified: IdentifiedEvent) throws {
        func check<Payload: Encodable & Sendable>(_ data: Payload) throws {
            let event = CloudEvent(
                id: identified.id, source: "groupwarden/test", type: identified.event.type, time: identified.time,
                subject: identified.event.groupID, data: data)
            let foundation = Array(try CloudEventCoding.encoder.encode(event))
            let ours = try event.encoded()
            #expect(
                ours == foundation,
                "\(String(decoding: ours, as: UTF8.self)) != \(String(decoding: foundation, as: UTF8.self))")
        }
        switch identified.event {
        case .flagRaised(let data): try check(data)
        case .ownerNotified(let data): try check(data)
        case .flagEscalated(let data): try check(data)
        case .flagResolved(let data): try check(data)
        case .groupAlert(let data): try check(data)
        }
    }

    /// The container features the contract's types do not use yet: nested and super encoders.
    struct Unusual: Encodable {
        enum Keys: String, CodingKey { case plainKey, nestedBox, listOfThings, superKey }
        enum Inner: String, CodingKey { case innerValue }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var nested = container.nestedContainer(keyedBy: Inner.self, forKey: .nestedBox)
            try nested.encode(Optional<Int>.none, forKey: .innerValue)
            var list = container.nestedUnkeyedContainer(forKey: .listOfThings)
            try list.encode(-12)
            try list.encode(UInt64.max)
            try list.encode(2.5)
            try list.encodeNil()
            try ["x/y": 1].encode(to: list.superEncoder())
            var inner = list.nestedContainer(keyedBy: Inner.self)
            try inner.encode(true, forKey: .innerValue)
            try [Date(timeIntervalSince1970: 0)].encode(to: container.superEncoder(forKey: .superKey))
            try container.encode("\u{0}\u{1F}\"\\", forKey: .plainKey)
        }
    }

    @Test func nestedAndSuperEncodersMatchFoundation() throws {
        let foundation = String(decoding: try CloudEventCoding.encoder.encode(Unusual()), as: UTF8.self)
        #expect(String(decoding: try EventJSONEncoder.encode(Unusual()), as: UTF8.self) == foundation)
    }

    @Test func aNonFiniteNumberIsRefusedLikeFoundationRefusesIt() throws {
        struct Ratio: Encodable { var flaggedRatio: Double }
        #expect(throws: EncodingError.self) { try CloudEventCoding.encoder.encode(Ratio(flaggedRatio: .nan)) }
        #expect(throws: EncodingError.self) { try EventJSONEncoder.encode(Ratio(flaggedRatio: .nan)) }
        #expect(throws: EncodingError.self) { try EventJSONEncoder.encode(Ratio(flaggedRatio: .infinity)) }
    }
}
