/// The CloudEvents `type` values of the contract, and the default topic each goes to.
public enum EventType: String, Sendable, CaseIterable {
    case flagRaised = "flag.raised"
    case flagResolved = "flag.resolved"
    case ownerNotified = "owner.notified"
    case flagEscalated = "flag.escalated"
    case groupAlert = "group.alert"

    /// Which configured topic carries events of this type.
    public func topic(in topics: WardenConfiguration.Topics) -> String {
        switch self {
        case .flagRaised, .flagResolved: topics.flags
        case .ownerNotified: topics.notices
        case .flagEscalated: topics.escalations
        case .groupAlert: topics.groupAlerts
        }
    }
}
