import Escalation
import Foundation
import Ledger
import Logging
import Metrics

extension ModerationCore {
    /// Handles a due deadline claimed under `leaseOwner`'s lease: escalate, count the owner's
    /// missed deadline (which may alert the group), lower the owner's credit, release the lease.
    public func handleDue(_ flag: Flag, leaseOwner: String) async throws {
        let time = now()
        let decision = chain.deadlineFired(flag, now: time)
        guard decision.changesLedger, let next = decision.flag else { return }
        var events = decision.events
        var activityChange: GroupActivity?
        let ownerMissed = flag.status == .awaitingOwner
        if ownerMissed {
            var activity = try await store.groupActivity(flag.groupID) ?? GroupActivity(groupID: flag.groupID)
            activity.recordMissedDeadline(at: time, window: alertPolicy.window)
            let snapshot = try await store.groupSnapshot(flag.groupID)
            let alerts = activity.evaluate(memberCount: snapshot?.memberCount ?? 0, now: time, policy: alertPolicy)
            record(alerts: alerts)
            events += alertEvents(alerts, at: time, activity: activity)
            activityChange = activity
        }
        let result = try await commit(
            LedgerChange(
                flag: next, expectedVersion: flag.version, events: try encoder.outboxEvents(events),
                groupActivity: activityChange, releaseLeaseOf: leaseOwner))
        guard result == .applied else { return }
        if let activityChange { _ = keepActivity(activityChange, written: true) }
        if ownerMissed, let owner = flag.ownerID { try await lowerCredit(of: owner, for: .missedDeadline, at: time) }
        if case .flagEscalated(let data)? = decision.events.first?.event {
            Counter(
                label: MetricName.escalations,
                dimensions: [("level", data.level.rawValue), ("reason", data.reason.rawValue)]
            )
            .increment()
            logger.info(
                "flag escalated",
                metadata: [
                    LogKey.flagID: "\(flag.flagID)", LogKey.eventType: "flag.escalated",
                    "reason": "\(data.reason.rawValue)",
                ])
        }
    }
}
