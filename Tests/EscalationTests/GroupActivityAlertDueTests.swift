import Foundation
import TestSupport
import Testing

@testable import Escalation

/// `alertDue(afterMessageFlagged:…)` must answer exactly what recording the message and
/// evaluating would: the worker counts a clean message in place only when it says no alert.
@Suite struct GroupActivityAlertDueTests {
    let t0 = Date(timeIntervalSince1970: 1_795_338_000)

    /// A group's history: messages (some flagged), missed deadlines and possibly earlier alerts,
    /// spread over up to three windows before `t0`, with small thresholds so alerts are common.
    func history(_ random: inout SeededGenerator, policy: GroupAlertPolicy) -> GroupActivity {
        var activity = GroupActivity(groupID: "g")
        let span = 3 * policy.window.seconds
        let flaggedShare = Double.random(in: 0...1, using: &random)
        var times = (0..<Int.random(in: 0...60, using: &random)).map { _ in
            Double.random(in: -span...0, using: &random)
        }
        times.sort()
        for time in times {
            activity.recordMessage(
                flagged: Double.random(in: 0..<1, using: &random) < flaggedShare, at: t0.addingTimeInterval(time),
                window: policy.window)
            if Int.random(in: 0..<10, using: &random) == 0 {
                activity.recordMissedDeadline(at: t0.addingTimeInterval(time), window: policy.window)
            }
            if Int.random(in: 0..<15, using: &random) == 0 {
                _ = activity.evaluate(
                    memberCount: Int.random(in: 1...60, using: &random), now: t0.addingTimeInterval(time),
                    policy: policy)
            }
        }
        return activity
    }

    @Test func answersWhatRecordingThenEvaluatingWould() {
        var random = SeededGenerator(state: 2026)
        let policy = GroupAlertPolicy(
            minMembers: 30, flaggedShare: 0.3, minFlagged: 4, window: .seconds(600), negligenceMisses: 2)
        var due = 0
        for _ in 0..<5_000 {
            let activity = history(&random, policy: policy)
            let isFlagged = Bool.random(using: &random)
            let memberCount = Int.random(in: 1...60, using: &random)
            let now = t0.addingTimeInterval(Double.random(in: 0...policy.window.seconds, using: &random))
            var recorded = activity
            recorded.recordMessage(flagged: isFlagged, at: now, window: policy.window)
            let alerts = recorded.evaluate(memberCount: memberCount, now: now, policy: policy)
            let predicted = activity.alertDue(
                afterMessageFlagged: isFlagged, memberCount: memberCount, now: now, policy: policy)
            #expect(predicted == !alerts.isEmpty, "history \(activity), flagged \(isFlagged), members \(memberCount)")
            if predicted { due += 1 }
        }
        // Both answers occur often enough for the comparison to mean something.
        #expect(due > 500 && due < 4_500, "alerts due in \(due) of 5,000")
    }
}
