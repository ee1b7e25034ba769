import Foundation
import Ledger
import Logging
import Metrics
import Synchronization

/// Publishes events the ledger already holds without making the record that caused them wait
/// for the broker, and marks them published in batches.
///
/// The events are handed to the publisher at once and in order (a group's events keep their
/// order); the record is then finished and its offset may be committed before the broker
/// acknowledges. Nothing is lost by that: the events are in the outbox until marked, and the
/// outbox relay of any worker publishes what a crash or an outage left behind (same ids, so a
/// consumer sees at most a duplicate it can drop).
final class BackgroundPublishing: Sendable {
    private struct State {
        /// Batches handed to the publisher and not yet reported.
        var unacknowledged = 0
        /// Acknowledged events not yet marked published.
        var toMark: [OutboxDelivery] = []
        /// Ids handed to the publisher and not yet marked published or failed: the outbox relay
        /// leaves these alone.
        var inFlight: Set<String> = []
        var marking = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []

        var isIdle: Bool { unacknowledged == 0 && toMark.isEmpty && !marking }
    }

    private let publisher: any EventPublisher
    private let store: any LedgerStore
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let state = Mutex(State())

    init(publisher: any EventPublisher, store: any LedgerStore, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.publisher = publisher
        self.store = store
        self.now = now
        self.logger = logger
    }

    /// Hands `events` (already written to the outbox) to the publisher and returns.
    func start(_ events: [OutboxEvent]) {
        guard !events.isEmpty else { return }
        state.withLock { state in
            state.unacknowledged += 1
            for event in events { state.inFlight.insert(event.id) }
        }
        let ids = events.map(\.id)
        publisher.enqueue(events) { [self] result in
            switch result {
            case .success(let deliveries): acknowledged(deliveries)
            case .failure(let error):
                Counter(label: MetricName.publishFailures).increment()
                logger.warning(
                    "publishing events failed; the outbox relay will publish them",
                    metadata: [LogKey.error: "\(error)", "count": "\(ids.count)"])
                acknowledged([], failed: ids)
            }
        }
    }

    /// Whether the event is handed to the publisher and not yet marked published or failed.
    func isInFlight(_ id: String) -> Bool {
        state.withLock { $0.inFlight.contains(id) }
    }

    /// Waits until every started batch is acknowledged (or failed) and marked.
    func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if state.isIdle { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func acknowledged(_ deliveries: [OutboxDelivery], failed: [String] = []) {
        let (startMarking, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            state.unacknowledged -= 1
            for id in failed { state.inFlight.remove(id) }
            state.toMark += deliveries
            if !state.marking, !state.toMark.isEmpty {
                state.marking = true
                return (true, [])
            }
            return (false, Self.takeWaitersIfIdle(&state))
        }
        for waiter in waiters { waiter.resume() }
        if startMarking { Task { await self.markLoop() } }
    }

    /// One ledger write per round for every id acknowledged since the last one; stops, in the
    /// same critical section that finds nothing left, so no acknowledgement is left unmarked.
    private func markLoop() async {
        while true {
            let (deliveries, waiters) = state.withLock {
                state -> ([OutboxDelivery], [CheckedContinuation<Void, Never>]) in
                if state.toMark.isEmpty {
                    state.marking = false
                    return ([], Self.takeWaitersIfIdle(&state))
                }
                defer { state.toMark.removeAll(keepingCapacity: true) }
                return (state.toMark, [])
            }
            if deliveries.isEmpty {
                for waiter in waiters { waiter.resume() }
                return
            }
            defer {
                state.withLock { state in
                    for delivery in deliveries { state.inFlight.remove(delivery.eventID) }
                }
            }
            do {
                try await store.markPublished(deliveries, at: now())
            } catch {
                // Left unmarked, the relay publishes them once more (same ids).
                logger.warning(
                    "marking events published failed",
                    metadata: [LogKey.error: "\(error)", "count": "\(deliveries.count)"])
            }
        }
    }

    private static func takeWaitersIfIdle(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard state.isIdle else { return [] }
        defer { state.idleWaiters.removeAll() }
        return state.idleWaiters
    }
}
