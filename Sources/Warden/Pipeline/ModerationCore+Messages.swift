import Classification
import Escalation
import Foundation
import Ledger
import Logging
import Metrics

extension ModerationCore {
    /// Handles a classified, non-private message: group statistics always; a flag, its events,
    /// the sender's credit penalty and possibly a group alert when the verdict flags it.
    /// Idempotent: a replayed message's flag insert conflicts and changes nothing.
    public func handle(message: GroupMessage, verdict: Verdict) async throws {
        let time = now()
        let snapshot = GroupSnapshot(
            ownerID: message.group.ownerID, adminIDs: message.group.adminIDs, memberCount: message.group.memberCount)
        var activity = try await loadGroup(message.groupID, snapshot: snapshot)
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
        // Written as new without reading first: a message is flagged once, so the flag is almost
        // never there; when it is (a replay, or another worker got there first) the insert
        // conflicts and nothing of this change is written.
        let decision = chain.raise(
            flagged, existing: nil, groupIsPrimarilyIllegal: wasIllegal || !alerts.isEmpty, now: time)
        events = decision.events + events
        let penalty = CreditPenalty(
            userID: message.senderID, event: .violation(severity), at: time, policy: creditPolicy)
        let result = try await commit(
            LedgerChange(
                flag: decision.flag, expectedVersion: nil, events: try encoder.outboxEvents(events),
                groupActivity: activity, credit: penalty))
        guard result == .applied, let flag = decision.flag else {
            logger.debug(
                "message already flagged", metadata: [LogKey.flagID: "\(FlagID.forMessage(message.messageID))"])
            return
        }
        _ = keepActivity(activity, written: true)
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

    /// Counts a clean message in its group's cached statistics when that is all it needs: the
    /// group's snapshot is the one cached, its statistics are cached and not due to be written
    /// back, and counting the message raises no alert. Then nothing is written, published or
    /// awaited, and it returns true. Otherwise it changes nothing and returns false, and
    /// `handle(message:verdict:)` does the whole work.
    public func countCleanMessage(_ message: GroupMessage, verdict: Verdict) -> Bool {
        guard !verdict.isFlagged else { return false }
        let snapshot = GroupSnapshot(
            ownerID: message.group.ownerID, adminIDs: message.group.adminIDs, memberCount: message.group.memberCount)
        guard snapshots.withLock({ $0[message.groupID] == snapshot }) else { return false }
        let time = now()
        let memberCount = message.group.memberCount
        let policy = alertPolicy
        return activity.withLock { cache in
            guard let index = cache.index(forKey: message.groupID) else { return false }
            return cache.values[index].countCleanMessage(
                memberCount: memberCount, at: time, policy: policy, flushEvery: Self.activityFlushEvery)
        }
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
