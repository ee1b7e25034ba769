import Foundation

/// One group's rolling statistics: messages and flagged messages in time buckets, the owner's
/// missed deadlines, and the alerts already raised. A pure value; the ledger stores it.
///
/// The window is split into 12 buckets; counts older than the window fall out as time moves.
/// An alert of a given reason is raised at most once per window, and while a content alert is
/// recent the group counts as primarily illegal, so its new flags skip the owner.
public struct GroupActivity: Sendable, Codable, Hashable {
    public struct Bucket: Sendable, Codable, Hashable {
        public var start: Date
        public var messages: Int
        public var flagged: Int
    }

    public var groupID: String
    public var buckets: [Bucket] = []
    public var missedDeadlines: [Date] = []
    public var lastContentAlert: Date?
    public var lastNegligenceAlert: Date?
    public var contentAlerts = 0
    public var negligenceAlerts = 0

    public init(groupID: String) {
        self.groupID = groupID
    }

    static let bucketsPerWindow = 12

    /// Counts one (non-private) message at `now`.
    public mutating func recordMessage(flagged: Bool, at now: Date, window: Duration) {
        prune(now: now, window: window)
        let width = window.seconds / Double(Self.bucketsPerWindow)
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / width).rounded(.down) * width)
        if buckets.last?.start != start { buckets.append(Bucket(start: start, messages: 0, flagged: 0)) }
        buckets[buckets.count - 1].messages += 1
        if flagged { buckets[buckets.count - 1].flagged += 1 }
    }

    /// Counts an owner deadline that passed without action.
    public mutating func recordMissedDeadline(at time: Date, window: Duration) {
        missedDeadlines.append(time)
        prune(now: time, window: window)
    }

    /// Messages and flagged messages within the window ending at `now`.
    public func totals(now: Date, window: Duration) -> (messages: Int, flagged: Int) {
        let from = now - window - window / Self.bucketsPerWindow
        var totals = (messages: 0, flagged: 0)
        for bucket in buckets where bucket.start > from {
            totals.messages += bucket.messages
            totals.flagged += bucket.flagged
        }
        return totals
    }

    /// Whether the group was alerted for its content within the last window.
    public func isPrimarilyIllegal(now: Date, window: Duration) -> Bool {
        guard let last = lastContentAlert else { return false }
        return now.timeIntervalSince(last) < window.seconds
    }

    /// The alerts due now, if any, and the activity with them recorded.
    public mutating func evaluate(memberCount: Int, now: Date, policy: GroupAlertPolicy) -> [GroupAlert] {
        var alerts: [GroupAlert] = []
        let (messages, flagged) = totals(now: now, window: policy.window)
        let ratio = messages == 0 ? 0 : Double(flagged) / Double(messages)
        if contentAlertDue(messages: messages, flagged: flagged, memberCount: memberCount, now: now, policy: policy) {
            contentAlerts += 1
            lastContentAlert = now
            alerts.append(
                GroupAlert(
                    groupID: groupID, reason: .primarilyIllegalContent, memberCount: memberCount,
                    window: Int(policy.window.seconds), flaggedMessages: flagged, flaggedRatio: ratio,
                    recommendedMeasures: Measure.ladder(alertCount: contentAlerts, reason: .primarilyIllegalContent)))
        }
        if negligenceAlertDue(now: now, policy: policy) {
            negligenceAlerts += 1
            lastNegligenceAlert = now
            alerts.append(
                GroupAlert(
                    groupID: groupID, reason: .repeatedOwnerNegligence, memberCount: memberCount,
                    window: Int(policy.window.seconds), flaggedMessages: flagged, flaggedRatio: ratio,
                    recommendedMeasures: Measure.ladder(alertCount: negligenceAlerts, reason: .repeatedOwnerNegligence))
            )
        }
        return alerts
    }

    /// Whether recording one more message at `now` and then evaluating would raise an alert,
    /// answered without changing anything: a worker uses it to count a clean message in place
    /// when nothing has to be written.
    public func alertDue(afterMessageFlagged isFlagged: Bool, memberCount: Int, now: Date, policy: GroupAlertPolicy)
        -> Bool
    {
        // The recorded message lands in the newest bucket, inside the window; pruning first
        // drops only buckets and misses the window no longer counts.
        let (messages, flagged) = totals(now: now, window: policy.window)
        return contentAlertDue(
            messages: messages + 1, flagged: flagged + (isFlagged ? 1 : 0), memberCount: memberCount, now: now,
            policy: policy) || negligenceAlertDue(now: now, policy: policy)
    }

    private func contentAlertDue(messages: Int, flagged: Int, memberCount: Int, now: Date, policy: GroupAlertPolicy)
        -> Bool
    {
        let ratio = messages == 0 ? 0 : Double(flagged) / Double(messages)
        return memberCount >= policy.minMembers && flagged >= policy.minFlagged && ratio >= policy.flaggedShare
            && !isPrimarilyIllegal(now: now, window: policy.window)
    }

    private func negligenceAlertDue(now: Date, policy: GroupAlertPolicy) -> Bool {
        var recentMisses = 0
        for missed in missedDeadlines where now.timeIntervalSince(missed) < policy.window.seconds { recentMisses += 1 }
        let quiet = lastNegligenceAlert.map { now.timeIntervalSince($0) >= policy.window.seconds } ?? true
        return recentMisses >= policy.negligenceMisses && quiet
    }

    private mutating func prune(now: Date, window: Duration) {
        // Checked first: removeAll(where:) makes the array unique (a copy) even when it removes nothing.
        let horizon = now - window - window / Self.bucketsPerWindow
        if buckets.contains(where: { $0.start < horizon }) { buckets.removeAll { $0.start < horizon } }
        let expired = { (missed: Date) in now.timeIntervalSince(missed) >= window.seconds }
        if missedDeadlines.contains(where: expired) { missedDeadlines.removeAll(where: expired) }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension Date {
    static func + (date: Date, duration: Duration) -> Date { date.addingTimeInterval(duration.seconds) }
    static func - (date: Date, duration: Duration) -> Date { date.addingTimeInterval(-duration.seconds) }
}
