import Escalation
import Foundation

/// An event waiting in the outbox: written in the same transaction as the flag change that
/// produced it, published afterwards, then marked published.
public struct OutboxEvent: Sendable, Hashable {
    /// The CloudEvent id: deterministic, the outbox's primary key.
    public var id: String
    public var topic: String
    public var key: String
    public var payload: [UInt8]
    public var createdAt: Date

    public init(id: String, topic: String, key: String, payload: [UInt8], createdAt: Date) {
        self.id = id
        self.topic = topic
        self.key = key
        self.payload = payload
        self.createdAt = createdAt
    }
}

/// Where the broker acknowledged an event: the ledger's record that the platform was told, and
/// the position an auditor can look up in the topic.
public struct OutboxDelivery: Sendable, Hashable {
    public var eventID: String
    public var partition: Int32
    public var offset: Int64

    public init(eventID: String, partition: Int32, offset: Int64) {
        self.eventID = eventID
        self.partition = partition
        self.offset = offset
    }
}

/// An outbox event marked published, with the acknowledgement that marked it.
public struct DeliveredEvent: Sendable, Hashable {
    public var event: OutboxEvent
    public var delivery: OutboxDelivery
    public var publishedAt: Date

    public init(event: OutboxEvent, delivery: OutboxDelivery, publishedAt: Date) {
        self.event = event
        self.delivery = delivery
        self.publishedAt = publishedAt
    }
}

/// One atomic write: a flag change, the events it produced, the action that caused it, the
/// group's statistics and the credit penalty it carries. All or nothing.
public struct LedgerChange: Sendable {
    /// The flag as it must be stored; its `version` is the new version.
    public var flag: Flag?
    /// The version the stored flag must have for an update to apply; `nil` inserts a new flag.
    public var expectedVersion: Int?
    public var events: [OutboxEvent]
    /// Recorded once; a replayed action id makes the whole change a no-op.
    public var actionID: String?
    public var groupActivity: GroupActivity?
    /// Releases this worker's lease on the flag, if it held one.
    public var releaseLeaseOf: String?
    /// Applied to the user's stored rating when the change applies.
    public var credit: CreditPenalty?

    public init(
        flag: Flag?, expectedVersion: Int?, events: [OutboxEvent], actionID: String? = nil,
        groupActivity: GroupActivity? = nil, releaseLeaseOf: String? = nil, credit: CreditPenalty? = nil
    ) {
        self.flag = flag
        self.expectedVersion = expectedVersion
        self.events = events
        self.actionID = actionID
        self.groupActivity = groupActivity
        self.releaseLeaseOf = releaseLeaseOf
        self.credit = credit
    }
}

/// What became of a change.
public enum LedgerWriteResult: Sendable, Equatable {
    case applied
    /// The flag already existed (insert) or had another version (update): someone else wrote first.
    case conflict
    /// The action id was recorded before: a replay.
    case duplicateAction
}

/// The durable store of flags, deadlines, actions, outbox events, group statistics and credit
/// ratings. Implementations: ``SQLiteLedgerStore`` (one node).
///
/// Invariants: a flag and the events of its change are written in one transaction; a due
/// deadline is leased to one worker at a time, and a lease that expires (dead worker) can be
/// claimed again.
public protocol LedgerStore: Sendable {
    func migrate() async throws
    func flag(id: String) async throws -> Flag?
    func write(_ change: LedgerChange) async throws -> LedgerWriteResult
    /// Writes many changes in one transaction where the store can (the scheduler's path): each
    /// change still applies or conflicts on its own, and the results come back in order.
    func write(_ changes: [LedgerChange]) async throws -> [LedgerWriteResult]
    /// Leases up to `limit` open flags whose deadline is at or before `now` and not leased.
    func claimDueFlags(now: Date, limit: Int, leaseOwner: String, leaseFor: Duration) async throws -> [Flag]
    /// The earliest moment a flag becomes claimable: its deadline, or the end of a live lease
    /// taken after the deadline. A scheduler sleeping until then neither misses a deadline nor
    /// spins on flags another worker (or a failed handler) still holds.
    func nextDeadline() async throws -> Date?
    func pendingOutbox(createdBefore: Date, limit: Int) async throws -> [OutboxEvent]
    /// Marks events published at the position the broker acknowledged; the first
    /// acknowledgement of an event is the one kept.
    func markPublished(_ deliveries: [OutboxDelivery], at: Date) async throws
    /// Published events with their acknowledged position, oldest first.
    func deliveredEvents(limit: Int) async throws -> [DeliveredEvent]
    func groupActivity(_ groupID: String) async throws -> GroupActivity?
    func groupSnapshot(_ groupID: String) async throws -> GroupSnapshot?
    /// A group's stored snapshot and statistics in one read: what a worker needs on the first
    /// message of a group it has not cached (after a start, a rebalance or an eviction).
    func groupState(_ groupID: String) async throws -> StoredGroupState
    func saveGroupSnapshot(_ groupID: String, _ snapshot: GroupSnapshot) async throws
    func credit(_ userID: String) async throws -> CreditRating?
    func saveCredit(_ userID: String, _ rating: CreditRating) async throws
    /// Every flag of a group, oldest first (the owner's diligence record).
    func flags(groupID: String) async throws -> [Flag]
    /// Open flags past due: the scheduler's backlog.
    func overdueCount(now: Date) async throws -> Int
    /// Deletes flags closed (last written) before `cutoff`, their actions, and events published before it.
    func purge(before cutoff: Date) async throws -> Int
}

/// What the ledger holds of one group: nil where it holds nothing yet.
public struct StoredGroupState: Equatable, Sendable {
    public var snapshot: GroupSnapshot?
    public var activity: GroupActivity?

    public init(snapshot: GroupSnapshot?, activity: GroupActivity?) {
        self.snapshot = snapshot
        self.activity = activity
    }
}

extension LedgerStore {
    /// Two reads: for stores without a combined one.
    public func groupState(_ groupID: String) async throws -> StoredGroupState {
        StoredGroupState(snapshot: try await groupSnapshot(groupID), activity: try await groupActivity(groupID))
    }

    /// One transaction per change: for stores without a batched path.
    public func write(_ changes: [LedgerChange]) async throws -> [LedgerWriteResult] {
        var results: [LedgerWriteResult] = []
        results.reserveCapacity(changes.count)
        for change in changes { results.append(try await write(change)) }
        return results
    }
}
