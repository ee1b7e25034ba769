import Escalation
import Foundation
import Logging
import Synchronization
import Testing

@testable import Ledger

@Suite struct SchedulerTests {
    final class ManualTime: Sendable {
        let value: Mutex<Date>
        init(_ start: Date) { value = Mutex(start) }
        var now: Date { value.withLock { $0 } }
        func advance(_ seconds: Double) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    let chain = ResponsibilityChain()
    let t0 = Date(timeIntervalSince1970: 1_795_338_000)

    @Test func firesEachDueDeadlineOnceAndSurvivesARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sched-\(UUID().uuidString).sqlite")
            .path
        let store = try SQLiteLedgerStore(path: path, logger: Logger(label: "t"))
        try await store.migrate()
        let decision = chain.raise(
            FlaggedMessage(
                messageID: "m-1", groupID: "g", senderID: "s",
                group: GroupSnapshot(ownerID: "o", adminIDs: [], memberCount: 5),
                categories: [CategoryFinding(category: "obscene", score: 1, rules: [], evidence: [])],
                severity: .critical),
            existing: nil, groupIsPrimarilyIllegal: false, now: t0)
        _ = try await store.write(LedgerChange(flag: decision.flag, expectedVersion: nil, events: []))

        let time = ManualTime(t0)
        let fired = Mutex<[EscalationReason]>([])
        func scheduler(_ store: any LedgerStore, owner: String) -> DeadlineScheduler {
            DeadlineScheduler(store: store, leaseOwner: owner, now: { time.now }, logger: Logger(label: "t")) { flag in
                let next = chain.deadlineFired(flag, now: time.now)
                _ = try await store.write(
                    LedgerChange(flag: next.flag, expectedVersion: flag.version, events: [], releaseLeaseOf: owner))
                if case .flagEscalated(let data) = next.events.first?.event {
                    fired.withLock { $0.append(data.reason) }
                }
            }
        }
        let first = scheduler(store, owner: "w1")
        #expect(try await first.runOnce() == 0)
        time.advance(15 * 60)
        #expect(try await first.runOnce() == 1)
        #expect(try await first.runOnce() == 0)
        // A new process on the same file finds the provider deadline.
        let reopened = try SQLiteLedgerStore(path: path, logger: Logger(label: "t"))
        try await reopened.migrate()
        let second = scheduler(reopened, owner: "w2")
        time.advance(24 * 3600)
        #expect(try await second.runOnce() == 1)
        #expect(try await second.runOnce() == 0)
        #expect(fired.withLock { $0 } == [.ownerTimeout, .providerTimeout])
        #expect(try await reopened.flag(id: decision.flag!.flagID)?.status == .reportedToAuthority)
    }

    @Test func relayPublishesLeftoverEventsOnce() async throws {
        let store = try SQLiteLedgerStore(path: ":memory:", logger: Logger(label: "t"))
        try await store.migrate()
        let event = OutboxEvent(id: "e1", topic: "t", key: "g", payload: [1], createdAt: t0)
        _ = try await store.write(LedgerChange(flag: nil, expectedVersion: nil, events: [event]))
        let published = Mutex<[String]>([])
        let time = ManualTime(t0)
        let relay = OutboxRelay(store: store, grace: .seconds(2), now: { time.now }, logger: Logger(label: "t")) {
            events in
            published.withLock { $0 += events.map(\.id) }
            return events.map { OutboxDelivery(eventID: $0.id, partition: 1, offset: 7) }
        }
        #expect(try await relay.relayOnce() == .init(pending: 0, relayed: 0))  // within the direct path's grace
        time.advance(3)
        #expect(try await relay.relayOnce() == .init(pending: 1, relayed: 1))
        #expect(try await relay.relayOnce() == .init(pending: 0, relayed: 0))
        #expect(published.withLock { $0 } == ["e1"])
        #expect(
            try await store.deliveredEvents(limit: 5).map(\.delivery) == [
                OutboxDelivery(eventID: "e1", partition: 1, offset: 7)
            ])
    }

    @Test func relayLeavesEventsStillInFlightHereToTheDirectPath() async throws {
        let store = try SQLiteLedgerStore(path: ":memory:", logger: Logger(label: "t"))
        try await store.migrate()
        let events = ["slow", "orphan"].map { OutboxEvent(id: $0, topic: "t", key: "g", payload: [1], createdAt: t0) }
        _ = try await store.write(LedgerChange(flag: nil, expectedVersion: nil, events: events))
        let inFlight = Mutex<Set<String>>(["slow"])
        let published = Mutex<[String]>([])
        let later = t0.addingTimeInterval(60)
        let relay = OutboxRelay(
            store: store, grace: .seconds(2), now: { later },
            inFlight: { id in inFlight.withLock { $0.contains(id) } }, logger: Logger(label: "t")
        ) { events in
            published.withLock { $0 += events.map(\.id) }
            return events.map { OutboxDelivery(eventID: $0.id, partition: 0, offset: 1) }
        }
        #expect(try await relay.relayOnce() == .init(pending: 2, relayed: 1))
        #expect(try await relay.relayOnce() == .init(pending: 1, relayed: 0))
        // The direct path failed it: now it is the relay's.
        inFlight.withLock { $0 = [] }
        #expect(try await relay.relayOnce() == .init(pending: 1, relayed: 1))
        #expect(published.withLock { $0 } == ["orphan", "slow"])
    }

    @Test func diligenceReportTellsInTimeFromNotActed() async throws {
        let raise = { (id: String) in
            chain.raise(
                FlaggedMessage(
                    messageID: id, groupID: "g", senderID: "s",
                    group: GroupSnapshot(ownerID: "o", adminIDs: [], memberCount: 5),
                    categories: [CategoryFinding(category: "fraud", score: 1, rules: [], evidence: [])], severity: .high
                ),
                existing: nil, groupIsPrimarilyIllegal: false, now: t0
            ).flag!
        }
        let acted = chain.apply(
            AuthorizedAction(
                actionID: "a", actorID: "o", role: .owner, action: .deleteMessage, at: t0.addingTimeInterval(90)),
            to: raise("m1")
        ).flag!
        let ignored = chain.deadlineFired(raise("m2"), now: .distantFuture).flag!
        let report = DiligenceReport(groupID: "g", flags: [acted, ignored])
        #expect(report.rows.map(\.verdict) == ["in_time", "not_acted"])
        #expect(report.rows[0].secondsToAction == 90)
        #expect(report.inTimeShare == 0.5)
        #expect(report.table().contains("50% of the owner's decided flags handled in time"))
        #expect(report.csv().split(separator: "\n").count == 3)
    }
}
