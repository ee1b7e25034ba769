import Foundation

/// The responsibility chain (谁建群谁负责) as a pure state machine: owner first, then the
/// provider, then the authorities for reportable content.
///
/// Every function is pure: the same flag, input and `now` always give the same decision, and
/// replays (a message already flagged, an action already applied, a deadline already handled)
/// are `unchanged`. Event ids are `flagID:type:step`, where `step` is the history index the
/// event belongs to, so they are stable across replays and workers.
public struct ResponsibilityChain: Sendable {
    public var policy: EscalationPolicy

    public init(policy: EscalationPolicy = EscalationPolicy()) {
        self.policy = policy
    }

    /// Why a new flag would skip the owner, in the contract's order of precedence.
    public func providerReason(for message: FlaggedMessage, groupIsPrimarilyIllegal: Bool) -> EscalationReason? {
        guard let owner = message.group.ownerID else { return .noOwner }
        if owner == message.senderID { return .ownerIsSender }
        if !policy.severeCategories.isDisjoint(with: message.categories.map(\.category)) { return .severeCategory }
        if groupIsPrimarilyIllegal { return .groupPrimarilyIllegal }
        return nil
    }

    /// Raises a flag for `message`, or does nothing when `existing` shows it was raised already.
    public func raise(_ message: FlaggedMessage, existing: Flag?, groupIsPrimarilyIllegal: Bool, now: Date) -> Decision
    {
        if let existing { return .unchanged(existing, "message already flagged") }
        let flagID = FlagID.forMessage(message.messageID)
        let reason = providerReason(for: message, groupIsPrimarilyIllegal: groupIsPrimarilyIllegal)
        let route: Route = reason == nil ? .owner : .provider
        let deadline = now + (reason == nil ? policy.ownerDeadline(for: message.severity) : policy.providerDeadline)
        var flag = Flag(
            flagID: flagID, messageID: message.messageID, groupID: message.groupID, senderID: message.senderID,
            ownerID: message.group.ownerID, adminIDs: message.group.adminIDs, categories: message.categories,
            severity: message.severity, route: route, status: reason == nil ? .awaitingOwner : .awaitingProvider,
            level: reason == nil ? .owner : .provider, deadline: deadline, raisedAt: now, history: [], resolution: nil,
            version: 1)
        var events: [IdentifiedEvent] = []
        flag.history.append(FlagStep(at: now, kind: .raised, level: flag.level))
        events.append(
            event(
                flag,
                .flagRaised(
                    FlagRaised(
                        flagID: flagID, messageID: message.messageID, groupID: message.groupID,
                        senderID: message.senderID, ownerID: message.group.ownerID, categories: message.categories,
                        severity: message.severity, route: route, ownerDeadline: reason == nil ? deadline : nil)),
                at: now))
        if let reason {
            flag.history.append(
                FlagStep(at: now, kind: .escalated, level: .provider, reason: reason, deadline: deadline))
            events.append(event(flag, .flagEscalated(escalated(flag, reason: reason, deadline: deadline)), at: now))
        } else if let owner = message.group.ownerID {
            flag.history.append(FlagStep(at: now, kind: .ownerNotified, level: .owner, deadline: deadline))
            events.append(
                event(
                    flag,
                    .ownerNotified(
                        OwnerNotified(
                            flagID: flagID, groupID: message.groupID, ownerID: owner, messageID: message.messageID,
                            senderID: message.senderID, categories: message.categories, deadline: deadline,
                            expectedActions: ActionKind.ownerExempting)),
                    at: now))
        }
        return Decision(outcome: .created, flag: flag, events: events)
    }

    /// Applies an authorised action. Owners and admins discharge a flag only while it waits
    /// for them, and only with an exempting action; the provider can close any unresolved flag.
    public func apply(_ action: AuthorizedAction, to flag: Flag) -> Decision {
        if flag.history.contains(where: { $0.actionID == action.actionID }) {
            return .unchanged(flag, "action already applied")
        }
        if flag.status == .resolved { return .unchanged(flag, "flag already resolved") }
        var next = flag
        let discharges: Bool
        switch action.role {
        case .provider:
            discharges = true
        case .owner, .admin:
            let inTime = flag.status == .awaitingOwner && (flag.deadline.map { action.at <= $0 } ?? false)
            discharges = inTime && ActionKind.ownerExempting.contains(action.action)
        }
        guard discharges else {
            next.history.append(
                FlagStep(
                    at: action.at, kind: .actionRecorded, level: flag.level, actionID: action.actionID,
                    action: action.action, actorRole: action.role))
            next.version += 1
            return Decision(outcome: .updated, flag: next, events: [])
        }
        let since =
            flag.history.last(where: { $0.kind == .ownerNotified || $0.kind == .escalated })?.at ?? flag.raisedAt
        let seconds = max(0, Int(action.at.timeIntervalSince(since).rounded()))
        next.status = .resolved
        next.deadline = nil
        next.resolution = Resolution(
            by: action.role, actorID: action.actorID, action: action.action, actionID: action.actionID, at: action.at,
            timeToActionSeconds: seconds)
        next.history.append(
            FlagStep(
                at: action.at, kind: .resolved, level: flag.level, actionID: action.actionID, action: action.action,
                actorRole: action.role))
        next.version += 1
        let resolved = FlagResolved(
            flagID: flag.flagID, groupID: flag.groupID, resolvedBy: action.role, action: action.action,
            actionID: action.actionID, timeToActionSeconds: seconds)
        return Decision(outcome: .updated, flag: next, events: [event(next, .flagResolved(resolved), at: action.at)])
    }

    /// Handles a due deadline. Before it is due, or on a flag with no live deadline (already
    /// escalated, resolved), nothing happens: firing twice escalates once.
    public func deadlineFired(_ flag: Flag, now: Date) -> Decision {
        guard flag.status.isOpen, let due = flag.deadline else { return .unchanged(flag, "no live deadline") }
        guard now >= due else { return .unchanged(flag, "deadline not due") }
        var next = flag
        next.version += 1
        switch flag.status {
        case .awaitingOwner:
            // The provider's clock starts at the owner's deadline, not when a worker noticed it,
            // so the outcome does not depend on scheduler lag.
            let deadline = due + policy.providerDeadline
            next.status = .awaitingProvider
            next.level = .provider
            next.deadline = deadline
            next.history.append(
                FlagStep(at: due, kind: .escalated, level: .provider, reason: .ownerTimeout, deadline: deadline))
            return Decision(
                outcome: .updated, flag: next,
                events: [
                    event(next, .flagEscalated(escalated(next, reason: .ownerTimeout, deadline: deadline)), at: due)
                ])
        default:
            let reportable = !policy.reportableCategories.isDisjoint(with: flag.categoryIDs)
            next.status = reportable ? .reportedToAuthority : .providerOverdue
            next.level = reportable ? .authority : .provider
            next.deadline = nil
            next.history.append(FlagStep(at: due, kind: .escalated, level: next.level, reason: .providerTimeout))
            return Decision(
                outcome: .updated, flag: next,
                events: [event(next, .flagEscalated(escalated(next, reason: .providerTimeout, deadline: nil)), at: due)]
            )
        }
    }

    private func escalated(_ flag: Flag, reason: EscalationReason, deadline: Date?) -> FlagEscalated {
        FlagEscalated(
            flagID: flag.flagID, groupID: flag.groupID, level: flag.history.last?.level ?? flag.level, reason: reason,
            deadline: deadline, severity: flag.severity, categories: flag.categories.map(\.category),
            history: flag.history.map(HistoryEntry.init))
    }

    /// The event for the flag's latest history step.
    private func event(_ flag: Flag, _ payload: ChainEvent, at time: Date) -> IdentifiedEvent {
        IdentifiedEvent(id: "\(flag.flagID):\(payload.type):\(flag.history.count - 1)", time: time, event: payload)
    }
}
