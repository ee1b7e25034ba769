import Escalation
import Foundation
import Testing

@testable import Ledger

/// Ledger bodies written by the compact encoder read back, through the store's `JSONDecoder`, as
/// the values written, and as the same values Foundation's encoder's bodies read back as (rows
/// written before the switch and after it are interchangeable).
@Suite struct LedgerBodyEncoderTests {
    let chain = ResponsibilityChain()

    func roundTrips<Value: Codable & Equatable>(_ value: Value) throws {
        let foundation = JSONEncoder()
        foundation.outputFormatting = .sortedKeys
        let decoder = JSONDecoder()
        let ours = try decoder.decode(Value.self, from: LedgerBodyEncoder().encode(value))
        #expect(ours == value)
        #expect(ours == (try decoder.decode(Value.self, from: foundation.encode(value))))
    }

    @Test func flagsThroughTheirWholeLifeReadBackUnchanged() throws {
        var random = SystemRandomNumberGenerator()
        for round in 0..<200 {
            // Times with fractions of a second, as the wall clock gives them.
            let start = Date(timeIntervalSince1970: 1_795_338_000 + Double.random(in: 0..<1e6, using: &random))
            let raised = chain.raise(
                FlaggedMessage(
                    messageID: "m-\(round)", groupID: "g-\(round % 7)", senderID: "u-\"7\"/\\",
                    group: GroupSnapshot(
                        ownerID: round % 3 == 0 ? nil : "u-1", adminIDs: ["a/1", "群主"], memberCount: round),
                    categories: [
                        CategoryFinding(
                            category: "fraud", score: Double.random(in: 0...1, using: &random), rules: ["r1", "r\n2"],
                            evidence: [.text(start: 1, end: 3), .attachment(index: 2)])
                    ],
                    severity: round % 2 == 0 ? .high : .critical),
                existing: nil, groupIsPrimarilyIllegal: round % 5 == 0, now: start)
            var flag = try #require(raised.flag)
            try roundTrips(flag)
            // Each deadline that passes adds a step.
            for hop in 1...3 {
                guard let deadline = flag.deadline else { break }
                guard let next = chain.deadlineFired(flag, now: deadline + Double(hop) * 0.123_456_7).flag else {
                    break
                }
                flag = next
                try roundTrips(flag)
            }
        }
    }

    @Test func statisticsSnapshotsAndCreditReadBackUnchanged() throws {
        var random = SystemRandomNumberGenerator()
        var activity = GroupActivity(groupID: "g-1")
        var now = Date(timeIntervalSince1970: 1_795_338_000.25)
        for _ in 0..<500 {
            now += Double.random(in: 0..<30, using: &random)
            activity.recordMessage(flagged: Bool.random(using: &random), at: now, window: .seconds(3_600))
            if Int.random(in: 0..<20, using: &random) == 0 {
                activity.recordMissedDeadline(at: now, window: .seconds(3_600))
            }
            _ = activity.evaluate(
                memberCount: 40, now: now, policy: GroupAlertPolicy(minMembers: 30, flaggedShare: 0.2, minFlagged: 2))
        }
        try roundTrips(activity)
        try roundTrips(GroupSnapshot(ownerID: "u-1", adminIDs: ["u-2", "u-\u{2028}"], memberCount: 3))
        try roundTrips(GroupSnapshot(ownerID: nil, adminIDs: [], memberCount: 0))
        let policy = CreditRating.Policy()
        var rating = CreditRating(updatedAt: now)
        for step in 0..<50 {
            rating = rating.applying(
                step % 3 == 0 ? .missedDeadline : .violation(.high), now: now + Double(step) * 97.3, policy: policy)
            try roundTrips(rating)
        }
    }
}
