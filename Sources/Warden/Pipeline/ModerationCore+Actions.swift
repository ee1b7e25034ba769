import Escalation
import Foundation
import Ledger
import Logging
import Metrics

extension ModerationCore {
    /// Applies a moderation action: find the flag, authorise the actor, apply, record. Refusals
    /// throw a non-retriable ``PipelineFailure`` (logged, counted, dead-lettered); an action for a
    /// flag not recorded yet is retried, since actions and messages travel on different topics.
    public func handle(action: ModerationAction, atText: String?) async throws {
        let flagID = action.flagID ?? FlagID.forMessage(action.messageID ?? "")
        guard let flag = try await store.flag(id: flagID) else { throw refuse(.unknownFlag, retriable: true) }
        guard flag.groupID == action.groupID else { throw refuse(.groupMismatch, retriable: false) }
        let snapshot =
            try await store.groupSnapshot(flag.groupID)
            ?? GroupSnapshot(ownerID: flag.ownerID, adminIDs: flag.adminIDs, memberCount: 0)
        let claim = ActionClaim(
            actionID: action.actionID, flagID: action.flagID, messageID: action.messageID, groupID: action.groupID,
            actorID: action.actorID, claimedRole: action.actorRole, action: action.action, at: action.at,
            atText: atText,
            signature: action.signature)
        let authorized: AuthorizedAction
        switch authorizer.authorize(claim, snapshot: snapshot, receivedAt: now()) {
        case .success(let value): authorized = value
        case .failure(let refusal): throw refuse(refusal, retriable: false)
        }
        let decision = chain.apply(authorized, to: flag)
        guard decision.changesLedger else { return }
        let result = try await commit(
            LedgerChange(
                flag: decision.flag, expectedVersion: flag.version, events: try encoder.outboxEvents(decision.events),
                actionID: action.actionID))
        switch result {
        case .conflict: throw PipelineFailure("flag_changed_concurrently", retriable: true)
        case .duplicateAction: return
        case .applied:
            if let resolution = decision.flag?.resolution {
                Counter(label: MetricName.resolutions, dimensions: [("resolved_by", resolution.by.rawValue)])
                    .increment()
                logger.info(
                    "flag resolved", metadata: [LogKey.flagID: "\(flag.flagID)", LogKey.eventType: "flag.resolved"])
            }
        }
    }

    private func refuse(_ refusal: ActionRefusal, retriable: Bool) -> PipelineFailure {
        if !retriable {
            Counter(label: MetricName.actionsRefused, dimensions: [("reason", refusal.rawValue)]).increment()
            logger.warning("moderation action refused", metadata: ["reason": "\(refusal.rawValue)"])
        }
        return PipelineFailure("action_refused: \(refusal.rawValue)", retriable: retriable)
    }
}
