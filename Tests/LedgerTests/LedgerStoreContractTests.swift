import Escalation
import Foundation
import Logging
import Testing

@testable import Ledger

/// The contract every ledger store must meet, run against each store.
@Suite struct LedgerStoreContractTests {

    let chain = ResponsibilityChain()
    let t0 = Date(timeIntervalSince1970: 1_795_338_000)

    func raise(_ id: String, group: String = "g-1", owner: String? = "u-1") -> Decision {
        chain.raise(
            FlaggedMessage(
                messageID: id, groupID: group, senderID: "u-7",
                group: GroupSnapshot(ownerID: owner, adminIDs: [], memberCount: 40),
                categories: [
                    CategoryFinding(category: "fraud", score: 0.8, rules: ["r1"], evidence: [.text(start: 1, end: 3)])
                ],
                severity: .high),
            existing: nil, groupIsPrimarilyIllegal: false, now: t0)
    }

    func change(_ decision: Decision, expected: Int? = nil, action: String? = nil, lease: String? = nil) -> LedgerChange
    {
        LedgerChange(
            flag: decision.flag, expectedVersion: expected,
            events: decision.events.map {
                OutboxEvent(
                    id: $0.id, topic: "t", key: $0.event.groupID, payload: Array($0.id.utf8), createdAt: $0.time)
            }, actionID: action, releaseLeaseOf: lease)
    }

    @Test(arguments: StoreKind.all)
    func migrationsAreIdempotentAndAFlagReadsBack(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        try await store.migrate()
        let decision = raise("m-1")
        #expect(try await store.write(change(decision)) == .applied)
        #expect(try await store.flag(id: decision.flag!.flagID) == decision.flag)
        // The same new flag written again (a replay after a crash) is a conflict, not a duplicate row.
        #expect(try await store.write(change(decision)) == .conflict)
        #expect(try await store.flags(groupID: "g-1").count == 1)
    }

    @Test(arguments: StoreKind.all)
    func optimisticVersionsAndActionReplaysAreDetected(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        let raised = raise("m-2")
        _ = try await store.write(change(raised))
        let action = AuthorizedAction(
            actionID: "a-1", actorID: "u-1", role: .owner, action: .report, at: t0.addingTimeInterval(5))
        let resolved = chain.apply(action, to: raised.flag!)
        #expect(try await store.write(change(resolved, expected: 1, action: "a-1")) == .applied)
        #expect(try await store.write(change(resolved, expected: 1, action: "a-1")) == .duplicateAction)
        // A stale version loses, and its action id is not consumed.
        #expect(try await store.write(change(resolved, expected: 1, action: "a-9")) == .conflict)
        #expect(try await store.write(change(resolved, expected: 2, action: "a-9")) == .applied)
        #expect(try await store.flag(id: raised.flag!.flagID)?.status == .resolved)
    }

    @Test(arguments: StoreKind.all)
    func leasesPreventDoubleClaimsAndExpire(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        for id in ["m-a", "m-b", "m-c"] { _ = try await store.write(change(raise(id))) }
        let due = t0.addingTimeInterval(3601)
        #expect(try await store.claimDueFlags(now: t0, limit: 10, leaseOwner: "w1", leaseFor: .seconds(30)).isEmpty)
        let first = try await store.claimDueFlags(now: due, limit: 2, leaseOwner: "w1", leaseFor: .seconds(30))
        let second = try await store.claimDueFlags(now: due, limit: 10, leaseOwner: "w2", leaseFor: .seconds(30))
        #expect(first.count == 2)
        #expect(second.count == 1)
        #expect(Set(first.map(\.flagID)).isDisjoint(with: second.map(\.flagID)))
        #expect(try await store.claimDueFlags(now: due, limit: 10, leaseOwner: "w3", leaseFor: .seconds(30)).isEmpty)
        // w1 dies: after its lease expires another worker takes its flags.
        let later = due.addingTimeInterval(31)
        let retaken = try await store.claimDueFlags(now: later, limit: 10, leaseOwner: "w3", leaseFor: .seconds(30))
        #expect(retaken.count == 3)
        // Handling a claim writes the escalation and releases the lease; the flag's next deadline is the provider's.
        let fired = chain.deadlineFired(retaken[0], now: later)
        #expect(try await store.write(change(fired, expected: retaken[0].version, lease: "w3")) == .applied)
        #expect(try await store.overdueCount(now: later) == 2)
        // The others are leased to w3: the next claimable moment is its lease's end, not their past deadlines.
        #expect(try await store.nextDeadline() == later.addingTimeInterval(30))
    }

    @Test(arguments: StoreKind.all)
    func twoWorkerProcessesOnOneLedgerNeverFireAFlagTwice(kind: StoreKind) async throws {
        let (first, second) = try await kind.makePair()
        try await first.migrate()
        try await second.migrate()
        for index in 0..<40 { _ = try await first.write(change(raise("m-p\(index)"))) }
        let due = t0.addingTimeInterval(3601)
        let (mine, theirs) = try await withThrowingTaskGroup(of: (Int, [Flag]).self) { group in
            for (index, store) in [first, second].enumerated() {
                group.addTask {
                    var claimed: [Flag] = []
                    while true {
                        let batch = try await store.claimDueFlags(
                            now: due, limit: 3, leaseOwner: "w\(index)", leaseFor: .seconds(60))
                        if batch.isEmpty { return (index, claimed) }
                        claimed += batch
                    }
                }
            }
            var results: [Int: [Flag]] = [:]
            for try await (index, claimed) in group { results[index] = claimed }
            return (results[0] ?? [], results[1] ?? [])
        }
        #expect(mine.count + theirs.count == 40)
        #expect(Set(mine.map(\.flagID)).isDisjoint(with: theirs.map(\.flagID)))
        // Each worker records its escalations; a stale write by the other one is a conflict, not a second escalation.
        for flag in mine {
            let fired = chain.deadlineFired(flag, now: due)
            #expect(try await first.write(change(fired, expected: flag.version, lease: "w0")) == .applied)
        }
        if let stolen = mine.first {
            let again = chain.deadlineFired(stolen, now: due)
            #expect(try await second.write(change(again, expected: stolen.version, lease: "w1")) == .conflict)
        }
        #expect(try await second.overdueCount(now: due) == theirs.count)
    }

    @Test(arguments: StoreKind.all)
    func outboxIsWrittenWithTheFlagAndDrainedOnce(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        let decision = raise("m-o")
        _ = try await store.write(change(decision))
        let pending = try await store.pendingOutbox(createdBefore: t0, limit: 10)
        #expect(pending.map(\.id) == decision.events.map(\.id))
        let deliveries = pending.enumerated().map {
            OutboxDelivery(eventID: $0.element.id, partition: 2, offset: 40 + Int64($0.offset))
        }
        try await store.markPublished(deliveries, at: t0)
        #expect(try await store.pendingOutbox(createdBefore: t0, limit: 10).isEmpty)
        // The first acknowledgement is the one kept: a relayed copy does not move it.
        try await store.markPublished(
            pending.map { OutboxDelivery(eventID: $0.id, partition: 0, offset: 999) }, at: t0.addingTimeInterval(5))
        let delivered = try await store.deliveredEvents(limit: 10)
        #expect(delivered.map(\.delivery) == deliveries)
        #expect(delivered.map(\.event) == pending)
        #expect(delivered.allSatisfy { $0.publishedAt == t0 })
    }

    @Test(arguments: StoreKind.all)
    func groupStateAndCreditRoundTrip(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        var activity = GroupActivity(groupID: "g-9")
        activity.recordMessage(flagged: true, at: t0, window: .seconds(3600))
        _ = try await store.write(LedgerChange(flag: nil, expectedVersion: nil, events: [], groupActivity: activity))
        #expect(try await store.groupActivity("g-9") == activity)
        let snapshot = GroupSnapshot(ownerID: "u-1", adminIDs: ["u-2"], memberCount: 3)
        try await store.saveGroupSnapshot("g-9", snapshot)
        #expect(try await store.groupSnapshot("g-9") == snapshot)
        #expect(try await store.groupState("g-9") == StoredGroupState(snapshot: snapshot, activity: activity))
        // One without the other, and neither.
        try await store.saveGroupSnapshot("g-10", snapshot)
        #expect(try await store.groupState("g-10") == StoredGroupState(snapshot: snapshot, activity: nil))
        var other = GroupActivity(groupID: "g-11")
        other.recordMessage(flagged: false, at: t0, window: .seconds(3600))
        _ = try await store.write(LedgerChange(flag: nil, expectedVersion: nil, events: [], groupActivity: other))
        #expect(try await store.groupState("g-11") == StoredGroupState(snapshot: nil, activity: other))
        #expect(try await store.groupState("g-12") == StoredGroupState(snapshot: nil, activity: nil))
        let rating = CreditRating(score: 70, updatedAt: t0)
        try await store.saveCredit("u-7", rating)
        #expect(try await store.credit("u-7") == rating)
    }

    @Test(arguments: StoreKind.all)
    func creditPenaltiesApplyWithTheirChangeOnly(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        let policy = CreditRating.Policy()
        let penalty = CreditPenalty(userID: "u-7", event: .violation(.high), at: t0, policy: policy)
        var first = change(raise("m-c1"))
        first.credit = penalty
        #expect(try await store.write(first) == .applied)
        let afterOne = CreditRating(updatedAt: t0).applying(.violation(.high), now: t0, policy: policy)
        #expect(try await store.credit("u-7") == afterOne)
        // The same flag again conflicts: its penalty is not applied a second time.
        #expect(try await store.write(first) == .conflict)
        #expect(try await store.credit("u-7") == afterOne)
        // Two penalties for one user in one batch (the scheduler's path) both count, in order;
        // the change that conflicts in the batch applies none.
        var second = change(raise("m-c2"))
        second.credit = CreditPenalty(userID: "u-7", event: .missedDeadline, at: t0, policy: policy)
        var third = change(raise("m-c3"))
        third.credit = CreditPenalty(userID: "u-7", event: .violation(.low), at: t0, policy: policy)
        #expect(try await store.write([second, first, third]) == [.applied, .conflict, .applied])
        let expected = afterOne.applying(.missedDeadline, now: t0, policy: policy)
            .applying(.violation(.low), now: t0, policy: policy)
        #expect(try await store.credit("u-7") == expected)
    }

    @Test(arguments: StoreKind.all)
    func purgeRemovesOnlyClosedFlagsOlderThanRetention(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        let open = raise("m-open")
        let closed = raise("m-closed")
        _ = try await store.write(change(open))
        _ = try await store.write(change(closed))
        let resolved = chain.apply(
            AuthorizedAction(actionID: "a", actorID: "ops", role: .provider, action: .dismiss, at: t0), to: closed.flag!
        )
        let closing = Date()
        _ = try await store.write(change(resolved, expected: 1))
        // Retention runs from the flag's closing (its last write), not from when it was raised:
        // a flag raised at t0 but closed now outlives a cutoff after t0.
        #expect(try await store.purge(before: t0.addingTimeInterval(1)) == 0)
        #expect(try await store.purge(before: closing.addingTimeInterval(-1)) == 0)
        #expect(try await store.purge(before: Date().addingTimeInterval(1)) == 1)
        #expect(try await store.flag(id: open.flag!.flagID) != nil)
        #expect(try await store.flag(id: closed.flag!.flagID) == nil)
    }

    @Test(arguments: StoreKind.all)
    func concurrentClaimersNeverShareAFlag(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        for index in 0..<120 { _ = try await store.write(change(raise("m-c\(index)"))) }
        let due = t0.addingTimeInterval(3601)
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let batch = try await store.claimDueFlags(
                            now: due, limit: 7, leaseOwner: "w\(worker)", leaseFor: .seconds(60))
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.flagID)
                    }
                }
            }
            var all: [String] = []
            for try await mine in group { all += mine }
            return all
        }
        #expect(claims.count == 120)
        #expect(Set(claims).count == 120)
    }
}
