import Foundation

@testable import Escalation

/// Shared values for the chain's transition tests: one fixed clock origin and message builders.
enum ChainFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_795_338_000)

    static func message(
        id: String = "m-1", sender: String = "u-7", owner: String? = "u-1", admins: [String] = ["u-2"],
        categories: [String] = ["gambling"], severity: Severity = .medium
    ) -> FlaggedMessage {
        FlaggedMessage(
            messageID: id, groupID: "g-1", senderID: sender,
            group: GroupSnapshot(ownerID: owner, adminIDs: admins, memberCount: 50),
            categories: categories.map {
                CategoryFinding(category: $0, score: 0.8, rules: ["rule-\($0)"], evidence: [.text(start: 3, end: 9)])
            },
            severity: severity)
    }

    static func action(
        _ id: String, by actor: String = "u-1", as role: ActorRole = .owner, _ kind: ActionKind = .deleteMessage,
        at time: Date
    ) -> AuthorizedAction {
        AuthorizedAction(actionID: id, actorID: actor, role: role, action: kind, at: time)
    }
}
