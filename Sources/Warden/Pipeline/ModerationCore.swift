import Classification
import Escalation
import Foundation
import Ledger
import Logging
import Metrics
import Synchronization

/// The decisions shared by every role: a flagged message, an action, a due deadline. Each one
/// reads the ledger, asks the pure responsibility chain, writes the result and its events in
/// one ledger transaction, then publishes the events and marks them published. A crash between
/// the write and the publish leaves the events in the outbox for the relay.
public final class ModerationCore: Sendable {
    let store: any LedgerStore
    let chain: ResponsibilityChain
    let alertPolicy: GroupAlertPolicy
    let authorizer: ActionAuthorizer
    let encoder: EventEncoder
    let publishing: BackgroundPublishing
    let creditPolicy = CreditRating.Policy()
    let now: @Sendable () -> Date
    let logger: Logger
    /// Group statistics of groups this worker has seen; the ledger has the durable copy. A value
    /// is nil while a message of its group holds it (see `loadGroup`).
    let activity = Mutex<[String: CachedActivity]>([:])
    let snapshots = Mutex<[String: GroupSnapshot]>([:])

    /// Clean messages counted before a group's statistics are written back.
    static let activityFlushEvery = 25
    /// Groups whose statistics and snapshot stay cached; past it a tenth of each cache is
    /// dropped (statistics already written back first), so memory stays flat however many
    /// groups a platform has. A dropped group is read back from the ledger on its next message;
    /// at most `activityFlushEvery - 1` clean-message counts of a dropped group are lost, which
    /// only raises its flagged share (the conservative direction).
    static let cachedGroupsLimit = 100_000

    public init(
        store: any LedgerStore, chain: ResponsibilityChain, alertPolicy: GroupAlertPolicy, authorizer: ActionAuthorizer,
        encoder: EventEncoder, publisher: any EventPublisher, now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.store = store
        self.chain = chain
        self.alertPolicy = alertPolicy
        self.authorizer = authorizer
        self.encoder = encoder
        self.publishing = BackgroundPublishing(publisher: publisher, store: store, now: now, logger: logger)
        self.now = now
        self.logger = logger
    }

    /// Writes a change and, when it applied, starts publishing its events (without waiting for
    /// the broker: see ``BackgroundPublishing``).
    @discardableResult
    func commit(_ change: LedgerChange) async throws -> LedgerWriteResult {
        let result = try await store.write(change)
        if result == .applied { publishing.start(change.events) }
        return result
    }

    /// Whether this core is still publishing the event (handed to the broker, not yet marked
    /// published or failed): the outbox relay leaves it alone.
    public func isPublishing(_ eventID: String) -> Bool {
        publishing.isInFlight(eventID)
    }

    /// Waits until every event this core started publishing is acknowledged (or has failed and
    /// been left to the outbox relay) and marked published.
    public func waitForPublishes() async {
        await publishing.waitUntilIdle()
    }

    // MARK: Group statistics

    /// Makes `snapshot` the group's stored snapshot (action authorisation reads the stored one,
    /// possibly in another worker) and returns the group's statistics, reading the ledger only
    /// for what is not cached: a group in neither cache (the first message after a start, a
    /// rebalance or an eviction) costs one read of both. The snapshot is written only
    /// when it differs from the one known (cached, or else stored), and cached only once written:
    /// a failed write is tried again by the message's next attempt.
    ///
    /// The cached statistics are taken out, not copied: the caller's copy is then the only
    /// reference to its arrays and counting a message changes them in place. The caller gives
    /// them back with `keepActivity`; if it fails first, the group's next message reads the
    /// ledger's copy (as after an eviction).
    func loadGroup(_ groupID: String, snapshot: GroupSnapshot) async throws -> GroupActivity {
        let cachedSnapshot = snapshots.withLock { $0[groupID] }
        let activityCached = activity.withLock { $0[groupID]?.value != nil }
        let stored: StoredGroupState? =
            switch (cachedSnapshot == nil, activityCached) {
            case (false, true): nil
            case (false, false): StoredGroupState(snapshot: nil, activity: try await store.groupActivity(groupID))
            case (true, true): StoredGroupState(snapshot: try await store.groupSnapshot(groupID), activity: nil)
            case (true, false): try await store.groupState(groupID)
            }
        if (cachedSnapshot ?? stored?.snapshot) != snapshot {
            try await store.saveGroupSnapshot(groupID, snapshot)
        }
        snapshots.withLock { cache in
            if cache[groupID] == nil, cache.count >= Self.cachedGroupsLimit {
                Self.evictTenth(of: &cache, preferring: { _ in true })
            }
            cache[groupID] = snapshot
        }
        let cached = activity.withLock { cache -> GroupActivity? in
            guard let index = cache.index(forKey: groupID) else { return nil }
            return cache.values[index].take()
        }
        if let cached { return cached }
        // Not cached, or evicted since the check above by another group's message.
        let loaded: GroupActivity? =
            if let stored, !activityCached { stored.activity } else { try await store.groupActivity(groupID) }
        activity.withLock { cache in
            if cache.count >= Self.cachedGroupsLimit { Self.evictTenth(of: &cache, preferring: { $0.unsaved == 0 }) }
            cache[groupID] = CachedActivity(value: nil, unsaved: cache[groupID]?.unsaved ?? 0)
        }
        return loaded ?? GroupActivity(groupID: groupID)
    }

    /// Keeps `value` as the group's statistics; returns whether it is due to be written back.
    func keepActivity(_ value: GroupActivity, written: Bool) -> Bool {
        activity.withLock { cache in
            let unsaved = written ? 0 : (cache[value.groupID]?.unsaved ?? 0) + 1
            cache[value.groupID] = CachedActivity(value: value, unsaved: unsaved)
            return unsaved >= Self.activityFlushEvery
        }
    }

    /// Removes a tenth of `cache`, preferring entries for which `cheap` holds.
    static func evictTenth<Value>(of cache: inout [String: Value], preferring cheap: (Value) -> Bool) {
        let quota = max(1, cache.count / 10)
        var victims = Set<String>()
        for (key, value) in cache where victims.count < quota && cheap(value) { victims.insert(key) }
        for key in cache.keys where victims.count < quota { victims.insert(key) }
        for key in victims { cache.removeValue(forKey: key) }
    }

    func alertEvents(_ alerts: [GroupAlert], at time: Date, activity: GroupActivity) -> [IdentifiedEvent] {
        alerts.map { alert in
            let count = alert.reason == .primarilyIllegalContent ? activity.contentAlerts : activity.negligenceAlerts
            return IdentifiedEvent(
                id: "\(alert.groupID):group.alert:\(alert.reason.rawValue):\(count)", time: time,
                event: .groupAlert(alert))
        }
    }

    func record(alerts: [GroupAlert]) {
        for alert in alerts {
            Counter(label: MetricName.groupAlerts, dimensions: [("reason", alert.reason.rawValue)]).increment()
            logger.warning(
                "group alert", metadata: [LogKey.eventType: "group.alert", "reason": "\(alert.reason.rawValue)"])
        }
    }
}

/// A group's cached statistics and the clean messages counted in them since they were last
/// written back. Changed through its mutating methods, in place in the cache: reading a
/// dictionary value out copies it, retaining every array it holds.
struct CachedActivity: Sendable {
    /// Nil while a message of the group holds the value (see `ModerationCore.loadGroup`).
    var value: GroupActivity?
    var unsaved: Int

    /// Takes the value out, leaving nil.
    mutating func take() -> GroupActivity? {
        defer { value = nil }
        return value
    }

    /// Counts a clean message when that is all it takes: the value is here, it is not due to be
    /// written back, and counting raises no alert. False, with nothing changed, otherwise.
    mutating func countCleanMessage(memberCount: Int, at time: Date, policy: GroupAlertPolicy, flushEvery: Int)
        -> Bool
    {
        guard unsaved + 1 < flushEvery,
            value?.alertDue(afterMessageFlagged: false, memberCount: memberCount, now: time, policy: policy) == false
        else { return false }
        value!.recordMessage(flagged: false, at: time, window: policy.window)
        unsaved += 1
        return true
    }
}
