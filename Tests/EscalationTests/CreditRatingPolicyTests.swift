import Foundation
import Testing

@testable import Escalation

/// Credit ratings: penalties by severity and for missed deadlines, linear recovery capped at
/// 100, the blacklist boundary, and out-of-order events.
@Suite struct CreditRatingPolicyTests {
    let t0 = ChainFixtures.t0
    let policy = CreditRating.Policy()
    let day: TimeInterval = 86_400

    @Test(arguments: [(Severity.low, 98.0), (.medium, 95), (.high, 90), (.critical, 75)])
    func eachSeverityCostsItsPenalty(severity: Severity, expected: Double) {
        let rating = CreditRating(updatedAt: t0).applying(.violation(severity), now: t0, policy: policy)
        #expect(rating.score == expected)
        #expect(rating.updatedAt == t0)
    }

    @Test func aMissedDeadlineCostsItsOwnPenalty() {
        let rating = CreditRating(updatedAt: t0).applying(.missedDeadline, now: t0, policy: policy)
        #expect(rating.current(now: t0, policy: policy) == 95)
    }

    @Test func recoveryIsLinearAndCappedAtOneHundred() {
        let rating = CreditRating(score: 50, updatedAt: t0)
        #expect(rating.current(now: t0.addingTimeInterval(day / 2), policy: policy) == 50.5)
        #expect(rating.current(now: t0.addingTimeInterval(30 * day), policy: policy) == 80)
        #expect(rating.current(now: t0.addingTimeInterval(365 * day), policy: policy) == 100)
    }

    @Test func recoveryIsBankedBeforeTheNextPenalty() {
        let rating = CreditRating(score: 50, updatedAt: t0)
            .applying(.violation(.high), now: t0.addingTimeInterval(10 * day), policy: policy)
        #expect(rating.score == 50)
        #expect(rating.updatedAt == t0.addingTimeInterval(10 * day))
    }

    @Test func theScoreNeverGoesBelowZero() {
        var rating = CreditRating(updatedAt: t0)
        for _ in 0..<10 { rating = rating.applying(.violation(.critical), now: t0, policy: policy) }
        #expect(rating.score == 0)
    }

    @Test func theBlacklistBoundaryIsInclusiveAndRecoveryLiftsIt() {
        // 100 − 25 − 25 − 10 = 40: exactly at the threshold.
        var rating = CreditRating(updatedAt: t0)
        for event in [CreditRating.Event.violation(.critical), .violation(.critical), .violation(.high)] {
            rating = rating.applying(event, now: t0, policy: policy)
        }
        #expect(rating.score == 40)
        #expect(rating.isBlacklisted(now: t0, policy: policy))
        // Half a day later the score is 40.5: above the threshold again.
        #expect(rating.current(now: t0.addingTimeInterval(day / 2), policy: policy) == 40.5)
        #expect(rating.isBlacklisted(now: t0.addingTimeInterval(day / 2), policy: policy) == false)
    }

    @Test func anEventDatedBeforeTheLastStillCostsButDoesNotRewindTime() {
        let rating = CreditRating(score: 80, updatedAt: t0)
            .applying(.violation(.medium), now: t0.addingTimeInterval(-day), policy: policy)
        #expect(rating.score == 75)
        #expect(rating.updatedAt == t0)
    }

    @Test func aConfiguredPolicyChangesPenaltiesRecoveryAndThreshold() {
        var strict = CreditRating.Policy()
        strict.penalties = [.low: 10, .medium: 20, .high: 30, .critical: 60]
        strict.missedDeadlinePenalty = 15
        strict.recoveryPerDay = 0.5
        strict.blacklistAt = 50
        let rating = CreditRating(updatedAt: t0)
            .applying(.violation(.medium), now: t0, policy: strict)
            .applying(.missedDeadline, now: t0, policy: strict)
            .applying(.violation(.low), now: t0, policy: strict)
        #expect(rating.score == 55)
        #expect(rating.isBlacklisted(now: t0, policy: strict) == false)
        let worse = rating.applying(.missedDeadline, now: t0, policy: strict)
        #expect(worse.isBlacklisted(now: t0, policy: strict))
        #expect(worse.current(now: t0.addingTimeInterval(4 * day), policy: strict) == 42)
    }

    @Test func aSeverityWithoutAPenaltyCostsNothing() {
        var lenient = CreditRating.Policy()
        lenient.penalties = [:]
        #expect(CreditRating(updatedAt: t0).applying(.violation(.critical), now: t0, policy: lenient).score == 100)
    }

    @Test func ratingsRoundTripThroughJSON() throws {
        let rating = CreditRating(score: 61.5, updatedAt: t0)
        #expect(try JSONDecoder().decode(CreditRating.self, from: JSONEncoder().encode(rating)) == rating)
    }
}
