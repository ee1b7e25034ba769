import Foundation

/// An endless, seeded stream of contract messages for benchmarks and load tests: many groups
/// of assorted sizes, a share of private chats (which the pipeline must skip) and a share of
/// violations the default rule pack flags. The same seed gives the same stream.
public struct LoadTraffic: Sendable {
    /// One message with its ground truth.
    public struct Message: Sendable {
        public var id: String
        /// The record key: the group id, as the platform keys its messages.
        public var key: [UInt8]
        public var json: [UInt8]
        /// Whether the pipeline must flag it (never true for a private chat).
        public var violates: Bool
    }

    private var random: SplitMix64
    private let groups: [DemoScenario.Group]
    /// `groups[..<groupChatCount]` are group chats, the rest private chats.
    private let groupChatCount: Int
    private let privateShare: Double
    private let violationShare: Double
    /// Filler in a field the contract does not define (ignored by the decoder, parsed all the
    /// same), so that records reach a given size.
    private let padding: String?

    /// `groups` group chats plus one private chat per twenty groups; `paddingBytes` > 0 adds a
    /// filler field of that many bytes to every record.
    public init(
        seed: UInt64, groups groupCount: Int, privateShare: Double, violationShare: Double, paddingBytes: Int = 0
    ) {
        random = SplitMix64(seed: seed)
        let sizes = [3, 8, 12, 25, 40, 60, 120, 300, 500]
        var groups = (0..<max(1, groupCount)).map { index in
            DemoScenario.Group(
                id: "load-g-\(index)", ownerID: "load-owner-\(index)", adminIDs: ["load-admin-\(index)"],
                memberCount: sizes[index % sizes.count], behaviour: .diligent, kind: "group")
        }
        for index in 0..<max(1, groupCount / 20) {
            groups.append(
                DemoScenario.Group(
                    id: "load-f-\(index)", ownerID: nil, adminIDs: [], memberCount: 4, behaviour: .privateChat,
                    kind: index % 2 == 0 ? "family" : "direct"))
        }
        self.groupChatCount = max(1, groupCount)
        self.groups = groups
        self.privateShare = privateShare
        self.violationShare = violationShare
        self.padding = paddingBytes > 0 ? String(repeating: "x", count: paddingBytes) : nil
    }

    /// The next message, with the given id and send time.
    public mutating func next(id: String, sentAt: Date) -> Message {
        let groupChats = groupChatCount
        let isPrivate = unit() < privateShare
        let group =
            isPrivate
            ? groups[groupChats + Int(random.next() % UInt64(groups.count - groupChats))]
            : groups[Int(random.next() % UInt64(groupChats))]
        let violates = !isPrivate && unit() < violationShare
        let text: String
        if isPrivate {
            text = DemoTexts.privateChatter[Int(random.next() % UInt64(DemoTexts.privateChatter.count))]
        } else if violates {
            text = DemoTexts.violations[Int(random.next() % UInt64(DemoTexts.violations.count))].text
        } else {
            text = DemoTexts.clean[Int(random.next() % UInt64(DemoTexts.clean.count))]
        }
        let sender = "load-user-\(random.next() % 10_000)"
        return Message(
            id: id, key: Array(group.id.utf8),
            json: DemoScenario.json(
                id: id, group: group, sender: sender, text: text, sentAt: sentAt, padding: padding),
            violates: violates)
    }

    private mutating func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
}
