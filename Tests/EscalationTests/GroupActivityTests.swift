import Foundation
import Testing

@testable import Escalation

@Suite struct GroupActivityTests {
    let t0 = Date(timeIntervalSince1970: 1_795_338_000)
    let policy = GroupAlertPolicy(minMembers: 30, flaggedShare: 0.3, minFlagged: 10, window: .seconds(3600))

    func activity(messages: Int, flagged: Int) -> GroupActivity {
        var a = GroupActivity(groupID: "g")
        for i in 0..<messages {
            a.recordMessage(flagged: i < flagged, at: t0.addingTimeInterval(Double(i)), window: policy.window)
        }
        return a
    }

    @Test func alertsAtThirtyMembersNotTwentyNine() {
        var small = activity(messages: 40, flagged: 20)
        #expect(small.evaluate(memberCount: 29, now: t0.addingTimeInterval(60), policy: policy).isEmpty)
        var big = activity(messages: 40, flagged: 20)
        let alerts = big.evaluate(memberCount: 30, now: t0.addingTimeInterval(60), policy: policy)
        #expect(alerts.map(\.reason) == [.primarilyIllegalContent])
        #expect(alerts.first?.flaggedMessages == 20)
        #expect(alerts.first?.recommendedMeasures.contains(.warnAndRectify) == true)
        #expect(big.isPrimarilyIllegal(now: t0.addingTimeInterval(120), window: policy.window))
        // Once per window.
        #expect(big.evaluate(memberCount: 30, now: t0.addingTimeInterval(120), policy: policy).isEmpty)
    }

    @Test func belowShareOrCountDoesNotAlert() {
        var lowShare = activity(messages: 100, flagged: 20)
        #expect(lowShare.evaluate(memberCount: 200, now: t0.addingTimeInterval(200), policy: policy).isEmpty)
        var fewFlags = activity(messages: 10, flagged: 9)
        #expect(fewFlags.evaluate(memberCount: 200, now: t0.addingTimeInterval(200), policy: policy).isEmpty)
    }

    @Test func oldTrafficFallsOutOfTheWindow() {
        let a = activity(messages: 40, flagged: 20)
        #expect(a.totals(now: t0.addingTimeInterval(60), window: policy.window).flagged == 20)
        #expect(a.totals(now: t0.addingTimeInterval(3 * 3600), window: policy.window).messages == 0)
    }

    @Test func repeatedMissedDeadlinesRaiseNegligence() {
        var a = GroupActivity(groupID: "g")
        for i in 0..<3 { a.recordMissedDeadline(at: t0.addingTimeInterval(Double(i) * 60), window: policy.window) }
        let alerts = a.evaluate(memberCount: 5, now: t0.addingTimeInterval(200), policy: policy)
        #expect(alerts.map(\.reason) == [.repeatedOwnerNegligence])
        #expect(alerts.first?.recommendedMeasures.contains(.lowerCredit) == true)
    }
}
