import Foundation

/// Where a flag is in the responsibility chain.
///
/// Invariant: the open statuses (`awaitingOwner`, `awaitingProvider`) always carry a live
/// deadline; every other status has none.
public enum FlagStatus: String, Sendable, Codable, CaseIterable {
    /// Notified to the owner; the owner's deadline runs.
    case awaitingOwner = "awaiting_owner"
    /// With the provider; the provider's deadline runs.
    case awaitingProvider = "awaiting_provider"
    /// The provider's deadline passed on a reportable category: reported to the authorities.
    case reportedToAuthority = "reported_to_authority"
    /// The provider's deadline passed on a category that is not reportable: overdue in the
    /// provider's queue, no further timer.
    case providerOverdue = "provider_overdue"
    /// An owner, admin or provider action closed it.
    case resolved

    /// Whether a deadline is running.
    public var isOpen: Bool { self == .awaitingOwner || self == .awaitingProvider }
}

/// One step of a flag's history: the ledger's record of who was told what, and when.
public struct FlagStep: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case raised, ownerNotified = "owner_notified", escalated, resolved
        /// An action that did not change the flag (late owner action, owner dismissal).
        case actionRecorded = "action_recorded"
    }

    public var at: Date
    public var kind: Kind
    public var level: EscalationLevel
    public var reason: EscalationReason?
    public var actionID: String?
    public var action: ActionKind?
    public var actorRole: ActorRole?
    /// The deadline set by this step, if any.
    public var deadline: Date?

    public init(
        at: Date, kind: Kind, level: EscalationLevel, reason: EscalationReason? = nil, actionID: String? = nil,
        action: ActionKind? = nil, actorRole: ActorRole? = nil, deadline: Date? = nil
    ) {
        self.at = at
        self.kind = kind
        self.level = level
        self.reason = reason
        self.actionID = actionID
        self.action = action
        self.actorRole = actorRole
        self.deadline = deadline
    }
}

/// How a flag was resolved.
public struct Resolution: Sendable, Codable, Hashable {
    public var by: ActorRole
    public var actorID: String
    public var action: ActionKind
    public var actionID: String
    public var at: Date
    /// Seconds from the owner's notice (or the provider's escalation) to the action.
    public var timeToActionSeconds: Int
}

/// A flagged message and everything that happened to it since.
public struct Flag: Sendable, Codable, Hashable {
    public var flagID: String
    public var messageID: String
    public var groupID: String
    public var senderID: String
    public var ownerID: String?
    public var adminIDs: [String]
    public var categories: [CategoryFinding]
    public var severity: Severity
    public var route: Route
    public var status: FlagStatus
    public var level: EscalationLevel
    /// The one live deadline; `nil` exactly when the status is not open.
    public var deadline: Date?
    public var raisedAt: Date
    public var history: [FlagStep]
    public var resolution: Resolution?
    /// Bumped on every change; stores use it for optimistic concurrency.
    public var version: Int

    /// Category ids, for routing decisions.
    public var categoryIDs: Set<String> { Set(categories.map(\.category)) }
}
