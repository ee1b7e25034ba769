import Foundation

/// The chaos harness's seeded traffic, each record with its ground truth: group chats whose
/// owners act on every notice (diligent) or never (negligent), private chats carrying violating
/// text that must never be flagged, and a share of malformed records that must be dead-lettered.
public struct ChaosTraffic: Sendable {
    /// One record to send. `header` carries `sent.id`, so even a malformed record is traceable.
    public struct Record: Sendable {
        public var key: [UInt8]
        public var value: [UInt8]
        public var sent: ChaosAudit.Sent
    }

    /// Every text the traffic can carry: none may ever appear in a worker's log.
    public static var texts: [String] { DemoTexts.clean + DemoTexts.violations.map(\.text) }

    /// The header holding the harness's record id.
    public static let idHeader = "x-chaos-id"

    public let groups: [DemoScenario.Group]
    private var random: SplitMix64
    private let run: String
    private var count = 0
    private let violationShare: Double
    private let malformedShare: Double

    /// `groups` group chats (every other one diligent) and one private chat per five.
    public init(seed: UInt64, groups groupCount: Int, violationShare: Double = 0.1, malformedShare: Double = 0.01) {
        random = SplitMix64(seed: seed)
        run = "chaos-\(seed)"
        var groups: [DemoScenario.Group] = []
        for index in 0..<max(2, groupCount) {
            groups.append(
                DemoScenario.Group(
                    id: "chaos-g-\(index)", ownerID: "chaos-owner-\(index)", adminIDs: ["chaos-admin-\(index)"],
                    memberCount: [8, 25, 60, 200][index % 4], behaviour: index % 2 == 0 ? .diligent : .negligent,
                    kind: "group"))
        }
        for index in 0..<max(1, groupCount / 5) {
            groups.append(
                DemoScenario.Group(
                    id: "chaos-p-\(index)", ownerID: nil, adminIDs: [], memberCount: 3, behaviour: .privateChat,
                    kind: index % 2 == 0 ? "family" : "direct"))
        }
        self.groups = groups
        self.violationShare = violationShare
        self.malformedShare = malformedShare
    }

    /// The next record, sent at `sentAt`.
    public mutating func next(sentAt: Date) -> Record {
        count += 1
        let id = "\(run)-\(count)"
        let group = groups[Int(random.next() % UInt64(groups.count))]
        if unit() < malformedShare {
            return Record(
                key: Array(group.id.utf8), value: malformed(id: id),
                sent: .init(id: id, messageID: nil, groupID: group.id, expectation: .deadLetter, ownerActs: false))
        }
        let isPrivate = group.kind != "group"
        let violates = unit() < (isPrivate ? 0.5 : violationShare)
        let text =
            violates
            ? DemoTexts.violations[Int(random.next() % UInt64(DemoTexts.violations.count))].text
            : DemoTexts.clean[Int(random.next() % UInt64(DemoTexts.clean.count))]
        let sender = "chaos-user-\(random.next() % 500)"
        return Record(
            key: Array(group.id.utf8),
            value: DemoScenario.json(id: id, group: group, sender: sender, text: text, sentAt: sentAt),
            sent: .init(
                id: id, messageID: id, groupID: group.id, expectation: violates && !isPrivate ? .flag : .noFlag,
                ownerActs: group.behaviour == .diligent))
    }

    /// A record the decoder must refuse, of a seeded kind.
    private mutating func malformed(id: String) -> [UInt8] {
        switch random.next() % 5 {
        case 0: return Array("{\"message_id\": \"\(id)\", \"group_id\": ".utf8)
        case 1: return Array("{\"message_id\": \"\(id)\", \"group_id\": 42, \"sender_id\": []}".utf8)
        case 2: return Array("{\"message_id\": \"\(id)\"}".utf8)
        case 3: return (0..<64).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        default: return Array(String(repeating: "[", count: 10_000).utf8)
        }
    }

    private mutating func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
}
