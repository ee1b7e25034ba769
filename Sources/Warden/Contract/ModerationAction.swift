import Foundation

/// An action taken on a flag, as the platform publishes it on `moderation.actions`.
public struct ModerationAction: Sendable, Equatable {
    public enum Role: String, Sendable, Codable { case owner, admin, provider }
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case warnMember = "warn_member"
        case removeMember = "remove_member"
        case deleteMessage = "delete_message"
        case report
        case dismiss
        case banUser = "ban_user"
        case suspendGroup = "suspend_group"
        case closeGroup = "close_group"
    }

    public var actionID: String
    /// The flag acted on; the platform may send the message id instead.
    public var flagID: String?
    public var messageID: String?
    public var groupID: String
    public var actorID: String
    public var actorRole: Role
    public var action: Kind
    public var at: Date?
    /// Hex HMAC-SHA256 of the canonical body, when the platform signs actions.
    public var signature: String?
}
