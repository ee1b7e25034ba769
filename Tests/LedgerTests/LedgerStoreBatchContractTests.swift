import Escalation
import Foundation
import Testing

@testable import Ledger

/// The batched write path (the scheduler's): one call, each change applying or conflicting on
/// its own, against every store.
@Suite struct LedgerStoreBatchContractTests {
    let base = LedgerStoreContractTests()
    var chain: ResponsibilityChain { base.chain }
    var t0: Date { base.t0 }

    @Test(arguments: StoreKind.all)
    func aBatchOfNewFlagsIsWrittenAndAReplayedOneConflicts(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        #expect(try await store.write([LedgerChange]()) == [])
        let first = base.raise("m-b1")
        #expect(try await store.write([base.change(first)]) == [.applied])
        let batch = [
            base.change(base.raise("m-b2")), base.change(first), base.change(base.raise("m-b3", group: "g-2")),
        ]
        #expect(try await store.write(batch) == [.applied, .conflict, .applied])
        #expect(Set(try await store.flags(groupID: "g-1").map(\.messageID)) == ["m-b1", "m-b2"])
        // Only the applied changes' events reached the outbox, once each.
        let pending = try await store.pendingOutbox(createdBefore: t0.addingTimeInterval(1), limit: 100)
        #expect(pending.count == 3 * first.events.count)
        #expect(Set(pending.map(\.id)).count == pending.count)
    }

    @Test(arguments: StoreKind.all)
    func aBatchOfEscalationsAppliesEachReleasesLeasesAndSkipsAStaleOne(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.migrate()
        _ = try await store.write((0..<5).map { base.change(base.raise("m-e\($0)", group: "g-\($0 % 2)")) })
        let due = t0.addingTimeInterval(3601)
        let claimed = try await store.claimDueFlags(now: due, limit: 10, leaseOwner: "w1", leaseFor: .seconds(30))
        #expect(claimed.count == 5)
        var changes = claimed.map { flag in
            var change = base.change(chain.deadlineFired(flag, now: due), expected: flag.version, lease: "w1")
            change.groupActivity = GroupActivity(groupID: flag.groupID)
            return change
        }
        // One escalation was already written by someone else: its version moved on.
        #expect(try await store.write(changes[2]) == .applied)
        changes[2].expectedVersion = claimed[2].version
        let results = try await store.write(changes)
        #expect(results == [.applied, .applied, .conflict, .applied, .applied])
        for flag in claimed {
            let stored = try #require(try await store.flag(id: flag.flagID))
            #expect(stored.status == .awaitingProvider)
            #expect(stored.version == flag.version + 1, "applied exactly once")
        }
        // Leases were released with the write: the provider deadlines are the next claimable moments.
        let providerDue = try #require(try await store.nextDeadline())
        #expect(providerDue > due)
        #expect(
            try await store.claimDueFlags(now: providerDue, limit: 10, leaseOwner: "w2", leaseFor: .seconds(30)).count
                == 5)
        #expect(try await store.groupActivity("g-0") != nil)
        #expect(try await store.groupActivity("g-1") != nil)
    }

    @Test(arguments: StoreKind.all)
    func concurrentBatchWritersOfDisjointClaimsLoseNothing(kind: StoreKind) async throws {
        let (first, second) = try await kind.makePair()
        try await first.migrate()
        try await second.migrate()
        _ = try await first.write((0..<200).map { base.change(base.raise("m-c\($0)", group: "g-\($0 % 7)")) })
        let due = t0.addingTimeInterval(3601)
        let handled = try await withThrowingTaskGroup(of: [String].self) { group in
            for (index, store) in [first, second].enumerated() {
                group.addTask { [base, chain] in
                    var mine: [String] = []
                    while true {
                        let claimed = try await store.claimDueFlags(
                            now: due, limit: 30, leaseOwner: "w\(index)", leaseFor: .seconds(60))
                        if claimed.isEmpty { return mine }
                        let changes = claimed.map {
                            base.change(chain.deadlineFired($0, now: due), expected: $0.version, lease: "w\(index)")
                        }
                        let results = try await store.write(changes)
                        #expect(results.allSatisfy { $0 == .applied })
                        mine += claimed.map(\.flagID)
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(handled.count == 200)
        #expect(Set(handled).count == 200, "no flag escalated by both writers")
        #expect(try await first.overdueCount(now: due) == 0)
    }
}
