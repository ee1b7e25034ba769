import Foundation

/// A classified message that crossed a category threshold: what the chain needs to raise a flag.
public struct FlaggedMessage: Sendable, Hashable {
    public var messageID: String
    public var groupID: String
    public var senderID: String
    public var group: GroupSnapshot
    public var categories: [CategoryFinding]
    public var severity: Severity

    public init(
        messageID: String, groupID: String, senderID: String, group: GroupSnapshot, categories: [CategoryFinding],
        severity: Severity
    ) {
        self.messageID = messageID
        self.groupID = groupID
        self.senderID = senderID
        self.group = group
        self.categories = categories
        self.severity = severity
    }
}

/// An authorised moderation action (see ``ActionAuthorizer``).
public struct AuthorizedAction: Sendable, Hashable {
    public var actionID: String
    public var actorID: String
    /// The role the actor really holds (checked against the snapshot), not merely the one claimed.
    public var role: ActorRole
    public var action: ActionKind
    public var at: Date

    public init(actionID: String, actorID: String, role: ActorRole, action: ActionKind, at: Date) {
        self.actionID = actionID
        self.actorID = actorID
        self.role = role
        self.action = action
        self.at = at
    }
}
