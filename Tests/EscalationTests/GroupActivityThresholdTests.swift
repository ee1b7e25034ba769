import Foundation
import Testing

@testable import Escalation

/// Exact thresholds of the group alerts, their once-per-window rule, the measure ladder and the
/// rolling window's edges.
@Suite struct GroupActivityThresholdTests {
    let t0 = ChainFixtures.t0
    let policy = GroupAlertPolicy(
        minMembers: 30, flaggedShare: 0.3, minFlagged: 10, window: .seconds(3600), negligenceMisses: 3)

    func activity(messages: Int, flagged: Int, from start: Date? = nil) -> GroupActivity {
        var a = GroupActivity(groupID: "g")
        record(&a, messages: messages, flagged: flagged, from: start ?? t0)
        return a
    }

    func record(_ a: inout GroupActivity, messages: Int, flagged: Int, from start: Date) {
        for i in 0..<messages {
            a.recordMessage(flagged: i < flagged, at: start.addingTimeInterval(Double(i)), window: policy.window)
        }
    }

    @Test(arguments: [(30, 100, true), (29, 100, false), (10, 10, true), (9, 9, false), (10, 34, false)])
    func shareAndCountThresholdsAreInclusive(flagged: Int, messages: Int, alerts: Bool) {
        var a = activity(messages: messages, flagged: flagged)
        let raised = a.evaluate(memberCount: 30, now: t0.addingTimeInterval(200), policy: policy)
        #expect(raised.isEmpty == !alerts)
        if alerts {
            #expect(raised.first?.flaggedMessages == flagged)
            #expect(raised.first?.flaggedRatio == Double(flagged) / Double(messages))
            #expect(raised.first?.window == 3600)
            #expect(raised.first?.memberCount == 30)
        }
    }

    @Test func aContentAlertMakesTheGroupPrimarilyIllegalForOneWindow() {
        var a = activity(messages: 40, flagged: 20)
        let alertedAt = t0.addingTimeInterval(60)
        #expect(a.isPrimarilyIllegal(now: alertedAt, window: policy.window) == false)
        #expect(a.evaluate(memberCount: 230, now: alertedAt, policy: policy).count == 1)
        #expect(a.lastContentAlert == alertedAt)
        #expect(a.isPrimarilyIllegal(now: alertedAt.addingTimeInterval(3599), window: policy.window))
        #expect(a.isPrimarilyIllegal(now: alertedAt.addingTimeInterval(3600), window: policy.window) == false)
    }

    @Test func aSecondContentAlertClimbsTheLadder() {
        var a = activity(messages: 40, flagged: 20)
        let first = a.evaluate(memberCount: 230, now: t0.addingTimeInterval(60), policy: policy)
        #expect(first.first?.recommendedMeasures == [.warnAndRectify, .suspendPosting, .lowerCredit])
        let later = t0.addingTimeInterval(2 * 3600)
        record(&a, messages: 40, flagged: 30, from: later)
        let second = a.evaluate(memberCount: 230, now: later.addingTimeInterval(60), policy: policy)
        #expect(second.map(\.reason) == [.primarilyIllegalContent])
        #expect(second.first?.flaggedMessages == 30)
        #expect(second.first?.recommendedMeasures == [.closeGroup, .suspendAdminRights, .revokeGroupCreation])
        #expect(a.contentAlerts == 2)
    }

    @Test func negligenceIsRaisedOncePerWindowAndOnlyForRecentMisses() {
        var a = GroupActivity(groupID: "g")
        a.recordMissedDeadline(at: t0, window: policy.window)
        a.recordMissedDeadline(at: t0.addingTimeInterval(3700), window: policy.window)
        a.recordMissedDeadline(at: t0.addingTimeInterval(3800), window: policy.window)
        // The first miss is older than the window: only two count.
        #expect(a.evaluate(memberCount: 5, now: t0.addingTimeInterval(3900), policy: policy).isEmpty)
        a.recordMissedDeadline(at: t0.addingTimeInterval(3950), window: policy.window)
        let first = a.evaluate(memberCount: 5, now: t0.addingTimeInterval(4000), policy: policy)
        #expect(first.map(\.reason) == [.repeatedOwnerNegligence])
        #expect(first.first?.recommendedMeasures == [.warnAndRectify, .lowerCredit])
        a.recordMissedDeadline(at: t0.addingTimeInterval(4100), window: policy.window)
        #expect(a.evaluate(memberCount: 5, now: t0.addingTimeInterval(4200), policy: policy).isEmpty)
        // A window after the first alert, three fresh misses raise the next rung.
        let later = t0.addingTimeInterval(4000 + 3600)
        for i in 0..<3 { a.recordMissedDeadline(at: later.addingTimeInterval(Double(i)), window: policy.window) }
        let second = a.evaluate(memberCount: 5, now: later.addingTimeInterval(10), policy: policy)
        #expect(second.first?.recommendedMeasures == [.suspendAdminRights, .lowerCredit, .revokeGroupCreation])
        #expect(a.negligenceAlerts == 2)
    }

    @Test func contentAndNegligenceAlertsCanComeTogether() {
        var a = activity(messages: 40, flagged: 20)
        for i in 0..<3 { a.recordMissedDeadline(at: t0.addingTimeInterval(Double(i)), window: policy.window) }
        let alerts = a.evaluate(memberCount: 30, now: t0.addingTimeInterval(60), policy: policy)
        #expect(alerts.map(\.reason) == [.primarilyIllegalContent, .repeatedOwnerNegligence])
        #expect(alerts.allSatisfy { $0.groupID == "g" && $0.flaggedMessages == 20 })
    }

    @Test func trafficCountsForTheWindowPlusAtMostOneBucket() {
        let a = activity(messages: 1, flagged: 1)
        #expect(a.totals(now: t0.addingTimeInterval(3599), window: policy.window).flagged == 1)
        // Buckets are 300 s wide: the message falls out no later than window + one bucket.
        #expect(a.totals(now: t0.addingTimeInterval(3900), window: policy.window).flagged == 0)
    }

    @Test func outOfOrderMessagesAreStillCounted() {
        var a = GroupActivity(groupID: "g")
        a.recordMessage(flagged: true, at: t0.addingTimeInterval(900), window: policy.window)
        a.recordMessage(flagged: false, at: t0.addingTimeInterval(10), window: policy.window)
        a.recordMessage(flagged: true, at: t0.addingTimeInterval(905), window: policy.window)
        let totals = a.totals(now: t0.addingTimeInterval(1000), window: policy.window)
        #expect(totals.messages == 3)
        #expect(totals.flagged == 2)
    }

    @Test func oldBucketsArePrunedAsTimeMoves() {
        var a = activity(messages: 50, flagged: 0)
        a.recordMessage(flagged: false, at: t0.addingTimeInterval(3 * 3600), window: policy.window)
        #expect(a.buckets.count == 1)
        #expect(a.buckets.first?.messages == 1)
    }

    @Test func anEmptyWindowNeverAlerts() {
        var a = GroupActivity(groupID: "g")
        #expect(a.evaluate(memberCount: 10_000, now: t0, policy: policy).isEmpty)
    }

    @Test func activityRoundTripsThroughJSON() throws {
        var a = activity(messages: 40, flagged: 20)
        _ = a.evaluate(memberCount: 30, now: t0.addingTimeInterval(60), policy: policy)
        a.recordMissedDeadline(at: t0, window: policy.window)
        let decoded = try JSONDecoder().decode(GroupActivity.self, from: JSONEncoder().encode(a))
        #expect(decoded == a)
    }

    @Test(arguments: [GroupAlert.Reason.primarilyIllegalContent, .repeatedOwnerNegligence])
    func theLadderIsMonotoneAfterTheSecondAlert(reason: GroupAlert.Reason) {
        #expect(Measure.ladder(alertCount: 2, reason: reason) == Measure.ladder(alertCount: 7, reason: reason))
        #expect(Measure.ladder(alertCount: 0, reason: reason) == Measure.ladder(alertCount: 1, reason: reason))
        #expect(Measure.ladder(alertCount: 1, reason: reason).contains(.warnAndRectify))
        #expect(Measure.ladder(alertCount: 2, reason: reason).contains(.revokeGroupCreation))
    }
}
