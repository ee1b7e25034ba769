/// Who a new flag goes to first.
public enum Route: String, Sendable, Codable {
    case owner, provider
}

/// Who holds a flag now: the group owner, the platform provider, or the authorities.
public enum EscalationLevel: String, Sendable, Codable {
    case owner, provider, authority
}

/// Why a flag went to the provider (or further). Raw values are the contract's.
public enum EscalationReason: String, Sendable, Codable, CaseIterable {
    case ownerTimeout = "owner_timeout"
    case ownerIsSender = "owner_is_sender"
    case noOwner = "no_owner"
    case severeCategory = "severe_category"
    case groupPrimarilyIllegal = "group_primarily_illegal"
    case providerTimeout = "provider_timeout"
}

/// The role an actor claims in a moderation action.
public enum ActorRole: String, Sendable, Codable {
    case owner, admin, provider
}

/// The contract's moderation actions.
public enum ActionKind: String, Sendable, Codable, CaseIterable {
    case warnMember = "warn_member"
    case removeMember = "remove_member"
    case deleteMessage = "delete_message"
    case report
    case dismiss
    case banUser = "ban_user"
    case suspendGroup = "suspend_group"
    case closeGroup = "close_group"

    /// Actions that discharge an owner's or admin's duty on a flag (the exemption).
    /// `dismiss` by an owner does not: an owner cannot clear their own group's flags.
    public static let ownerExempting: [ActionKind] = [.warnMember, .removeMember, .deleteMessage, .report]
}
