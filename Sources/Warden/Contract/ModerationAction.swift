import Escalation
import Foundation

/// An action taken on a flag, as the platform publishes it on `moderation.actions`.
public struct ModerationAction: Sendable, Equatable {
    /// The roles and actions are the responsibility chain's own vocabulary.
    public typealias Role = ActorRole
    public typealias Kind = ActionKind

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
