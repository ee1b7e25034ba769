import Foundation

/// A simulated platform: groups with owners of every kind of diligence, private chats, and a
/// group that turns into an obscene channel. Deterministic for a seed.
public struct DemoScenario: Sendable {
    public enum OwnerBehaviour: String, Sendable, CaseIterable {
        /// Acts on every notice well before the deadline.
        case diligent
        /// Never acts: flags escalate to the provider, then further.
        case negligent
        /// Posts violations himself: straight to the provider.
        case offender
        /// The group has no owner.
        case ownerless
        /// A 200-member group that becomes an obscene video channel partway through.
        case turnsObscene = "turns_obscene"
        /// Family or one-to-one chat: private, never inspected.
        case privateChat = "private"
    }

    public struct Group: Sendable {
        public var id: String
        public var ownerID: String?
        public var adminIDs: [String]
        public var memberCount: Int
        public var behaviour: OwnerBehaviour
        public var kind: String
    }

    /// One message the platform will send, with the ground truth of whether it violates.
    public struct PlannedMessage: Sendable {
        public var id: String
        public var group: Group
        public var senderID: String
        public var text: String
        public var violates: Bool
        /// JSON as the contract writes it.
        public var json: [UInt8]
    }

    public var groups: [Group]
    public var messages: [PlannedMessage]

    public init(seed: UInt64, messageCount: Int, start: Date = Date()) {
        var random = SplitMix64(seed: seed)
        var groups: [Group] = []
        let sizes = [3, 8, 12, 25, 40, 60, 120, 300, 500]
        for index in 0..<12 {
            let behaviour: OwnerBehaviour = index % 3 == 0 ? .negligent : .diligent
            groups.append(
                Group(
                    id: "g-\(index + 1)", ownerID: "owner-\(index + 1)", adminIDs: ["admin-\(index + 1)"],
                    memberCount: sizes[index % sizes.count], behaviour: behaviour, kind: "group"))
        }
        groups.append(
            Group(
                id: "g-offender", ownerID: "owner-x", adminIDs: [], memberCount: 50, behaviour: .offender, kind: "group"
            ))
        groups.append(
            Group(id: "g-ownerless", ownerID: nil, adminIDs: [], memberCount: 35, behaviour: .ownerless, kind: "group"))
        groups.append(
            Group(
                id: "g-channel", ownerID: "owner-c", adminIDs: ["admin-c"], memberCount: 200, behaviour: .turnsObscene,
                kind: "group"))
        groups.append(
            Group(id: "f-family", ownerID: "mum", adminIDs: [], memberCount: 4, behaviour: .privateChat, kind: "family")
        )
        groups.append(
            Group(id: "d-direct", ownerID: nil, adminIDs: [], memberCount: 2, behaviour: .privateChat, kind: "direct"))
        self.groups = groups

        var messages: [PlannedMessage] = []
        for number in 0..<messageCount {
            let group = groups[Int(random.next() % UInt64(groups.count))]
            let progress = Double(number) / Double(max(1, messageCount))
            var sender = "user-\(random.next() % 50)"
            var text = DemoTexts.clean[Int(random.next() % UInt64(DemoTexts.clean.count))]
            var violates = false
            switch group.behaviour {
            case .privateChat:
                text = DemoTexts.privateChatter[Int(random.next() % UInt64(DemoTexts.privateChatter.count))]
            case .turnsObscene where progress > 0.3 && random.next() % 10 < 7:
                text = DemoTexts.obsceneChannel[Int(random.next() % UInt64(DemoTexts.obsceneChannel.count))]
                violates = true
            case .offender where random.next() % 3 == 0:
                sender = group.ownerID ?? sender
                text = DemoTexts.violations[Int(random.next() % UInt64(DemoTexts.violations.count))].text
                violates = true
            default:
                if random.next() % 8 == 0 {
                    text = DemoTexts.violations[Int(random.next() % UInt64(DemoTexts.violations.count))].text
                    violates = true
                }
            }
            let id = "demo-\(seed)-\(number)"
            let sentAt = start.addingTimeInterval(Double(number) * 0.01)
            messages.append(
                PlannedMessage(
                    id: id, group: group, senderID: sender, text: text, violates: violates && group.kind == "group",
                    json: Self.json(id: id, group: group, sender: sender, text: text, sentAt: sentAt)))
        }
        self.messages = messages
    }

    static func json(
        id: String, group: Group, sender: String, text: String, sentAt: Date, padding: String? = nil
    ) -> [UInt8] {
        PlatformMessageJSON(
            messageID: id, groupID: group.id, senderID: sender, sentAt: RFC3339.format(sentAt), text: text,
            group: .init(
                ownerID: group.ownerID, adminIDs: group.adminIDs, memberCount: group.memberCount, kind: group.kind),
            padding: padding
        ).bytes()
    }
}

/// A small, fast, seedable random source (SplitMix64), so scenarios repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
