import Foundation

/// A step of history as events carry it.
public struct HistoryEntry: Sendable, Codable, Hashable {
    public var at: Date
    public var step: String
    public var level: EscalationLevel
    public var reason: EscalationReason?

    init(_ step: FlagStep) {
        at = step.at
        self.step = step.kind.rawValue
        level = step.level
        reason = step.reason
    }
}

/// `flag.raised` data.
public struct FlagRaised: Sendable, Codable, Hashable {
    public var flagID, messageID, groupID, senderID: String
    public var ownerID: String?
    public var categories: [CategoryFinding]
    public var severity: Severity
    public var route: Route
    public var ownerDeadline: Date?
}

/// `owner.notified` data.
public struct OwnerNotified: Sendable, Codable, Hashable {
    public var flagID, groupID, ownerID, messageID, senderID: String
    public var categories: [CategoryFinding]
    public var deadline: Date
    public var expectedActions: [ActionKind]
}

/// `flag.escalated` data.
public struct FlagEscalated: Sendable, Codable, Hashable {
    public var flagID, groupID: String
    public var level: EscalationLevel
    public var reason: EscalationReason
    /// The new holder's deadline; `nil` when no further timer runs.
    public var deadline: Date?
    public var severity: Severity
    public var categories: [String]
    public var history: [HistoryEntry]
}

/// `flag.resolved` data.
public struct FlagResolved: Sendable, Codable, Hashable {
    public var flagID, groupID: String
    public var resolvedBy: ActorRole
    public var action: ActionKind
    public var actionID: String
    public var timeToActionSeconds: Int
}

/// `group.alert` data.
public struct GroupAlert: Sendable, Codable, Hashable {
    public enum Reason: String, Sendable, Codable {
        case primarilyIllegalContent = "primarily_illegal_content"
        case repeatedOwnerNegligence = "repeated_owner_negligence"
    }

    public var groupID: String
    public var reason: Reason
    public var memberCount: Int
    /// The window's length, in seconds.
    public var window: Int
    public var flaggedMessages: Int
    public var flaggedRatio: Double
    public var recommendedMeasures: [Measure]
}

/// An event the chain asks the caller to publish. Its id is deterministic: the flag (or group),
/// the type and the step, so a replay publishes the same id.
public enum ChainEvent: Sendable, Hashable {
    case flagRaised(FlagRaised)
    case ownerNotified(OwnerNotified)
    case flagEscalated(FlagEscalated)
    case flagResolved(FlagResolved)
    case groupAlert(GroupAlert)

    /// The CloudEvents `type`.
    public var type: String {
        switch self {
        case .flagRaised: "flag.raised"
        case .ownerNotified: "owner.notified"
        case .flagEscalated: "flag.escalated"
        case .flagResolved: "flag.resolved"
        case .groupAlert: "group.alert"
        }
    }

    /// The group the event is about: its `subject` and record key.
    public var groupID: String {
        switch self {
        case .flagRaised(let data): data.groupID
        case .ownerNotified(let data): data.groupID
        case .flagEscalated(let data): data.groupID
        case .flagResolved(let data): data.groupID
        case .groupAlert(let data): data.groupID
        }
    }
}

/// An event with its deterministic id and logical time.
public struct IdentifiedEvent: Sendable, Hashable {
    public var id: String
    public var time: Date
    public var event: ChainEvent

    public init(id: String, time: Date, event: ChainEvent) {
        self.id = id
        self.time = time
        self.event = event
    }
}
