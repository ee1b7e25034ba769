import Escalation
import Foundation
import Ledger
import Synchronization

/// A ledger store in front of a real one that counts the group reads and snapshot writes going
/// through it and can fail the next snapshot writes.
final class CountingLedgerStore: LedgerStore {
    struct Counts: Equatable {
        var groupState = 0
        var groupActivity = 0
        var groupSnapshot = 0
        var saveGroupSnapshot = 0
    }

    let inner: any LedgerStore
    let counts = Mutex(Counts())
    /// Snapshot writes still to fail (with a retriable error) before they go through again.
    let failingSnapshotWrites = Mutex(0)

    init(_ inner: any LedgerStore) {
        self.inner = inner
    }

    func reset() { counts.withLock { $0 = Counts() } }
    var current: Counts { counts.withLock { $0 } }

    func groupState(_ groupID: String) async throws -> StoredGroupState {
        counts.withLock { $0.groupState += 1 }
        return try await inner.groupState(groupID)
    }

    func groupActivity(_ groupID: String) async throws -> GroupActivity? {
        counts.withLock { $0.groupActivity += 1 }
        return try await inner.groupActivity(groupID)
    }

    func groupSnapshot(_ groupID: String) async throws -> GroupSnapshot? {
        counts.withLock { $0.groupSnapshot += 1 }
        return try await inner.groupSnapshot(groupID)
    }

    func saveGroupSnapshot(_ groupID: String, _ snapshot: GroupSnapshot) async throws {
        counts.withLock { $0.saveGroupSnapshot += 1 }
        let fail = failingSnapshotWrites.withLock { remaining in
            defer { remaining = max(0, remaining - 1) }
            return remaining > 0
        }
        if fail { throw LedgerError(code: "unavailable", message: "injected write failure", isRetriable: true) }
        try await inner.saveGroupSnapshot(groupID, snapshot)
    }

    // Everything else goes straight through.
    func migrate() async throws { try await inner.migrate() }
    func flag(id: String) async throws -> Flag? { try await inner.flag(id: id) }
    func write(_ change: LedgerChange) async throws -> LedgerWriteResult { try await inner.write(change) }
    func write(_ changes: [LedgerChange]) async throws -> [LedgerWriteResult] { try await inner.write(changes) }
    func claimDueFlags(now: Date, limit: Int, leaseOwner: String, leaseFor: Duration) async throws -> [Flag] {
        try await inner.claimDueFlags(now: now, limit: limit, leaseOwner: leaseOwner, leaseFor: leaseFor)
    }
    func nextDeadline() async throws -> Date? { try await inner.nextDeadline() }
    func pendingOutbox(createdBefore: Date, limit: Int) async throws -> [OutboxEvent] {
        try await inner.pendingOutbox(createdBefore: createdBefore, limit: limit)
    }
    func markPublished(_ deliveries: [OutboxDelivery], at: Date) async throws {
        try await inner.markPublished(deliveries, at: at)
    }
    func deliveredEvents(limit: Int) async throws -> [DeliveredEvent] { try await inner.deliveredEvents(limit: limit) }
    func credit(_ userID: String) async throws -> CreditRating? { try await inner.credit(userID) }
    func saveCredit(_ userID: String, _ rating: CreditRating) async throws {
        try await inner.saveCredit(userID, rating)
    }
    func flags(groupID: String) async throws -> [Flag] { try await inner.flags(groupID: groupID) }
    func overdueCount(now: Date) async throws -> Int { try await inner.overdueCount(now: now) }
    func purge(before cutoff: Date) async throws -> Int { try await inner.purge(before: cutoff) }
}
