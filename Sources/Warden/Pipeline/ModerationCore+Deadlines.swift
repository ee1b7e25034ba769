import Escalation
import Foundation
import Ledger
import Logging
import Metrics

extension ModerationCore {
    /// Handles a due deadline claimed under `leaseOwner`'s lease (see the batch form).
    public func handleDue(_ flag: Flag, leaseOwner: String) async throws {
        try await handleDue([flag], leaseOwner: leaseOwner)
    }

    /// Handles a claimed batch of due deadlines: escalate each, count owners' missed deadlines
    /// (which may alert a group), lower the negligent owners' credit, release the leases — all in
    /// one ledger transaction — then start publishing the events.
    public func handleDue(_ flags: [Flag], leaseOwner: String) async throws {
        let time = now()
        var changes: [LedgerChange] = []
        var decisions: [(flag: Flag, decision: Decision, activity: GroupActivity?)] = []
        // Statistics of the groups in this batch, so two flags of one group both count.
        var activities: [String: GroupActivity] = [:]
        for flag in flags {
            let decision = chain.deadlineFired(flag, now: time)
            guard decision.changesLedger, let next = decision.flag else { continue }
            var events = decision.events
            var activityChange: GroupActivity?
            if flag.status == .awaitingOwner {
                // The ledger's copy: the group's messages may be counted by another worker.
                var activity: GroupActivity
                if let current = activities[flag.groupID] {
                    activity = current
                } else {
                    activity = try await store.groupActivity(flag.groupID) ?? GroupActivity(groupID: flag.groupID)
                }
                activity.recordMissedDeadline(at: time, window: alertPolicy.window)
                let memberCount = try await snapshot(of: flag.groupID)?.memberCount ?? 0
                let alerts = activity.evaluate(memberCount: memberCount, now: time, policy: alertPolicy)
                record(alerts: alerts)
                events += alertEvents(alerts, at: time, activity: activity)
                activities[flag.groupID] = activity
                activityChange = activity
            }
            // The owner who let the deadline pass loses credit with the escalation.
            let penalty = flag.status == .awaitingOwner ? flag.ownerID : nil
            changes.append(
                LedgerChange(
                    flag: next, expectedVersion: flag.version, events: try encoder.outboxEvents(events),
                    groupActivity: activityChange, releaseLeaseOf: leaseOwner,
                    credit: penalty.map {
                        CreditPenalty(userID: $0, event: .missedDeadline, at: time, policy: creditPolicy)
                    }))
            decisions.append((flag, decision, activityChange))
        }
        guard !changes.isEmpty else { return }
        let results = try await store.write(changes)
        let applied = zip(changes, results).filter { $0.1 == .applied }.map(\.0)
        let events = applied.flatMap(\.events)
        publishing.start(events)
        for ((flag, decision, activity), result) in zip(decisions, results) where result == .applied {
            if let activity { _ = keepActivity(activity, written: true) }
            guard case .flagEscalated(let data)? = decision.events.first?.event else { continue }
            Counter(
                label: MetricName.escalations,
                dimensions: [("level", data.level.rawValue), ("reason", data.reason.rawValue)]
            )
            .increment()
            if let due = flag.deadline {
                Recorder(label: MetricName.deadlineLagSeconds).record(max(0, time.timeIntervalSince(due)))
            }
            logger.info(
                "flag escalated",
                metadata: [
                    LogKey.flagID: "\(flag.flagID)", LogKey.eventType: "flag.escalated",
                    "reason": "\(data.reason.rawValue)",
                ])
        }
    }

    /// The group's latest snapshot: this worker's cache, else the ledger.
    func snapshot(of groupID: String) async throws -> GroupSnapshot? {
        if let cached = snapshots.withLock({ $0[groupID] }) { return cached }
        return try await store.groupSnapshot(groupID)
    }
}
