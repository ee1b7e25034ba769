import Classification
import Escalation
import Foundation
import Ledger
import Logging
import Metrics

extension ModerationCore {
    /// Handles a classified, non-private message: group statistics always; a flag, its events
    /// and possibly a group alert when the verdict flags it. Idempotent: a replayed message finds
    /// its flag and changes nothing.
    public func handle(message: GroupMessage, verdict: Verdict) async throws {
        let time = now()
        let snapshot = GroupSnapshot(
            ownerID: message.group.ownerID, adminIDs: message.group.adminIDs, memberCount: message.group.memberCount)
        try await rememberSnapshot(message.groupID, snapshot)
        var activity = try await loadActivity(message.groupID)
        let wasIllegal = activity.isPrimarilyIllegal(now: time, window: alertPolicy.window)
        activity.recordMessage(flagged: verdict.isFlagged, at: time, window: alertPolicy.window)
        let alerts = activity.evaluate(memberCount: message.group.memberCount, now: time, policy: alertPolicy)
        record(alerts: alerts)
        var events = alertEvents(alerts, at: time, activity: activity)

        guard verdict.isFlagged, let severity = verdict.severity.flatMap({ Escalation.Severity(rawValue: $0.rawValue) })
        else {
            // Clean messages write the statistics back every `activityFlushEvery` messages.
            guard !events.isEmpty || keepActivity(activity, written: false) else { return }
            try await commit(
                LedgerChange(
                    flag: nil, expectedVersion: nil, events: try encoder.outboxEvents(events), groupActivity: activity))
            _ = keepActivity(activity, written: true)
            return
        }
        let flagged = FlaggedMessage(
            messageID: message.messageID, groupID: message.groupID, senderID: message.senderID, group: snapshot,
            categories: verdict.categories.map(Self.finding), severity: severity)
        let existing = try await store.flag(id: FlagID.forMessage(message.messageID))
        let decision = chain.raise(
            flagged, existing: existing, groupIsPrimarilyIllegal: wasIllegal || !alerts.isEmpty, now: time)
        guard decision.changesLedger else {
            logger.debug("message already flagged", metadata: [LogKey.flagID: "\(existing?.flagID ?? "")"])
            return
        }
        events = decision.events + events
        let result = try await commit(
            LedgerChange(
                flag: decision.flag, expectedVersion: nil, events: try encoder.outboxEvents(events),
                groupActivity: activity))
        _ = keepActivity(activity, written: true)
        guard result == .applied, let flag = decision.flag else { return }
        try await lowerCredit(of: message.senderID, for: .violation(severity), at: time)
        for category in flag.categories {
            Counter(label: MetricName.flags, dimensions: [("category", category.category)]).increment()
        }
        if flag.route == .provider, case .flagEscalated(let data)? = decision.events.last?.event {
            Counter(
                label: MetricName.escalations, dimensions: [("level", "provider"), ("reason", data.reason.rawValue)]
            )
            .increment()
        }
        logger.info(
            "flag raised",
            metadata: [
                LogKey.flagID: "\(flag.flagID)", LogKey.eventType: "flag.raised", "route": "\(flag.route.rawValue)",
            ])
    }

    func lowerCredit(of userID: String, for event: CreditRating.Event, at time: Date) async throws {
        let current = try await store.credit(userID) ?? CreditRating(updatedAt: time)
        try await store.saveCredit(userID, current.applying(event, now: time, policy: creditPolicy))
    }

    static func finding(_ verdict: CategoryVerdict) -> CategoryFinding {
        CategoryFinding(
            category: verdict.category, score: verdict.score, rules: verdict.rules,
            evidence: verdict.evidence.map { evidence in
                switch evidence {
                case .text(let start, let end): .text(start: start, end: end)
                case .attachment(let index): .attachment(index: index)
                }
            })
    }
}
