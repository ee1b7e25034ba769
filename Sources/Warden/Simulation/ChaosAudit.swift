import Escalation
import Foundation

/// The audit that ends a chaos run: what the load generator sent (the ground truth), what the
/// broker still holds, what the ledger and the output topics show, and whether they agree.
/// A pure value: the harness gathers the observations, this decides.
///
/// Pass means: every held message handled (the group's committed offset is past it), every
/// expected flag in the ledger and raised exactly once by event id, no flag the ground truth
/// does not explain (private chats included), every escalation in a flag's history published
/// exactly once and no escalation event without one, no deadline left expired, every malformed
/// record dead-lettered, and an empty outbox.
public struct ChaosAudit: Sendable {
    /// What one sent record must lead to.
    public enum Expectation: String, Sendable {
        /// A group-chat violation: exactly one flag.
        case flag
        /// Clean group chatter or any private-chat message: no flag.
        case noFlag = "no_flag"
        /// Not a valid contract message: a dead letter.
        case deadLetter = "dead_letter"
    }

    /// One record the load generator sent, identified by the harness's own id (carried in a
    /// header, so malformed records are traceable too).
    public struct Sent: Sendable {
        public var id: String
        public var messageID: String?
        public var groupID: String?
        public var expectation: Expectation
        /// The owner answers notices in time (diligent) rather than never.
        public var ownerActs: Bool

        public init(id: String, messageID: String?, groupID: String?, expectation: Expectation, ownerActs: Bool) {
            self.id = id
            self.messageID = messageID
            self.groupID = groupID
            self.expectation = expectation
            self.ownerActs = ownerActs
        }
    }

    /// Where a record sits in a topic.
    public struct Position: Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64

        public init(topic: String, partition: Int32, offset: Int64) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
        }
    }

    /// One output event as read back (duplicates included), or as the ledger's outbox holds it
    /// with the position the broker acknowledged.
    public struct Event: Sendable {
        public var id: String
        public var type: String
        public var flagID: String?
        public var level: String?
        public var reason: String?
        public var position: Position?

        public init(
            id: String, type: String, flagID: String?, level: String? = nil, reason: String? = nil,
            position: Position? = nil
        ) {
            self.id = id
            self.type = type
            self.flagID = flagID
            self.level = level
            self.reason = reason
            self.position = position
        }
    }

    /// Where a held input record sits.
    public struct Held: Sendable, Hashable {
        public var sentID: String
        public var partition: Int32
        public var offset: Int64

        public init(sentID: String, partition: Int32, offset: Int64) {
            self.sentID = sentID
            self.partition = partition
            self.offset = offset
        }
    }

    public var sent: [Sent]
    public var held: [Held]
    /// The workers' committed next offset per input partition.
    public var committed: [Int32: Int64]
    public var ledgerFlags: [Flag]
    public var events: [Event]
    /// Harness ids found in dead-letter records (duplicates included).
    public var deadLetters: [String]
    public var pendingOutbox: Int
    /// Harness ids of forged actions (an impostor claiming the owner's role, signed with the
    /// wrong key): each must be refused into the dead-letter topic and resolve nothing.
    public var forgedActions: Set<String> = []
    /// Harness ids of malformed messages whose dead letter a worker logged as acknowledged by the
    /// broker, for a broker that can lose acknowledged records: missing from the DLQ, the
    /// broker's loss (as for refusals of forged actions).
    public var deadLettersAcknowledgedButLost: Set<String> = []
    /// Harness ids of the actions the broker still holds in the actions topic, or nil when not
    /// read. A forged action the broker no longer holds may have been lost before any worker
    /// read it: like a lost message, it leaves the ground truth.
    public var heldActions: Set<String>?
    /// Harness ids of forged actions whose refusal a worker logged as acknowledged by the broker
    /// (DLQ send done), for a broker that can lose acknowledged records (Tansu over S3, killed).
    /// Such a dead letter missing from the topic is the broker's loss, counted apart, as for
    /// input records the broker no longer holds; on other brokers it stays a failure.
    public var refusalsAcknowledgedButLost: Set<String> = []
    /// Events the ledger records as acknowledged by the broker, with the acknowledged position,
    /// for a broker that can lose acknowledged records (Tansu over S3, killed). A required event
    /// missing from its topic but acknowledged here is the broker's loss, counted apart; on other
    /// brokers this stays empty and a missing event stays a failure.
    public var acknowledgedEvents: [Event] = []
    /// The impostor's actor id.
    public var impostor = "chaos-impostor"
    public var now: Date

    public init(
        sent: [Sent], held: [Held], committed: [Int32: Int64], ledgerFlags: [Flag], events: [Event],
        deadLetters: [String], pendingOutbox: Int, now: Date
    ) {
        self.sent = sent
        self.held = held
        self.committed = committed
        self.ledgerFlags = ledgerFlags
        self.events = events
        self.deadLetters = deadLetters
        self.pendingOutbox = pendingOutbox
        self.now = now
    }

    /// Runs every check.
    public func report() -> ChaosReport {
        var report = ChaosReport()
        let sentByID = Dictionary(sent.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let heldIDs = Set(held.map(\.sentID))
        report.sent = sent.count
        report.held = heldIDs.count
        let lost = sent.filter { !heldIDs.contains($0.id) }
        report.lostByBroker = lost.count
        report.note("lost by the broker", lost.map(\.id))
        report.unhandled = held.filter { ($0.offset + 1) > (committed[$0.partition] ?? 0) }.count

        // Flags: the ledger against the ground truth.
        var expectedFlags: [String: Sent] = [:]
        for id in heldIDs {
            guard let sent = sentByID[id], sent.expectation == .flag, let messageID = sent.messageID else { continue }
            expectedFlags[FlagID.forMessage(messageID)] = sent
        }
        let ledger = Dictionary(ledgerFlags.map { ($0.flagID, $0) }, uniquingKeysWith: { first, _ in first })
        report.expectedFlags = expectedFlags.count
        report.flagsInLedger = ledger.count
        let missing = expectedFlags.keys.filter { ledger[$0] == nil }
        let unexplained = ledger.keys.filter { expectedFlags[$0] == nil }
        report.missingFlags = missing.count
        report.unexplainedFlags = unexplained.count
        report.note("missing flags", missing)
        report.note("unexplained flags", unexplained)

        // flag.raised: exactly one distinct event id per expected flag.
        var raisedIDs: [String: Set<String>] = [:]
        var resolvedIDs: [String: Set<String>] = [:]
        var escalationIDs: [String: Set<String>] = [:]
        var seenIDs: Set<String> = []
        for event in events {
            if !seenIDs.insert(event.id).inserted { report.redeliveredEvents += 1 }
            guard let flagID = event.flagID else { continue }
            switch event.type {
            case EventType.flagRaised.rawValue: raisedIDs[flagID, default: []].insert(event.id)
            case EventType.flagResolved.rawValue: resolvedIDs[flagID, default: []].insert(event.id)
            case EventType.flagEscalated.rawValue:
                escalationIDs[Self.stepKey(flagID, event.level, event.reason), default: []].insert(event.id)
            default: break
            }
        }
        let lostOutput = lostAcknowledgedEvents(seen: seenIDs, report: &report)
        for flagID in expectedFlags.keys {
            switch raisedIDs[flagID]?.count ?? 0 {
            case 0 where lostOutput.raised.contains(flagID):
                report.outputLostByBroker += 1
                report.note("acknowledged events lost by the broker", [flagID + " flag.raised"])
            case 0:
                report.flagsNotRaised += 1
                report.note("flags not raised", [flagID])
            case 1: report.flagsRaisedOnce += 1
            default: report.flagsRaisedTwice += 1
            }
        }
        report.raisedWithoutFlag = raisedIDs.keys.filter { expectedFlags[$0] == nil }.count
        report.resolvedTwice = resolvedIDs.values.filter { $0.count > 1 }.count

        // Escalations: each escalated step (level and reason) in a flag's history published
        // exactly once.
        var ledgerSteps: Set<String> = []
        for flag in ledger.values {
            let steps = flag.history.filter { $0.kind == .escalated }
            for step in steps {
                let key = Self.stepKey(flag.flagID, step.level.rawValue, step.reason?.rawValue)
                if !ledgerSteps.insert(key).inserted { report.escalatedTwiceInLedger += 1 }
            }
            if flag.status.isOpen, let deadline = flag.deadline, deadline < now { report.expiredDeadlinesOpen += 1 }
            report.statuses[flag.status.rawValue, default: 0] += 1
            if flag.resolution?.actorID == impostor { report.resolvedByForgery += 1 }
            if let sent = expectedFlags[flag.flagID] {
                let outcome =
                    flag.resolution != nil
                    ? "resolved" : steps.first.map { "escalated (\($0.reason?.rawValue ?? "?"))" } ?? "open"
                report.outcomes[(sent.ownerActs ? "diligent owner: " : "negligent owner: ") + outcome, default: 0] += 1
            }
        }
        report.escalations = ledgerSteps.count
        for key in ledgerSteps {
            switch escalationIDs[key]?.count ?? 0 {
            case 0 where lostOutput.escalationSteps.contains(key):
                report.outputLostByBroker += 1
                report.note("acknowledged events lost by the broker", [key])
            case 0:
                report.escalationsNotPublished += 1
                report.note("escalations not published", [key])
            case 1: report.escalationsPublishedOnce += 1
            default: report.escalationsPublishedTwice += 1
            }
        }
        report.escalationEventsWithoutStep = escalationIDs.keys.filter { !ledgerSteps.contains($0) }.count

        // Dead letters: every held malformed record, at least once.
        let expectedDead = Set(heldIDs.filter { sentByID[$0]?.expectation == .deadLetter })
        let dead = Set(deadLetters)
        report.expectedDeadLetters = expectedDead.count
        report.deadLettered = expectedDead.intersection(dead).count
        report.deadLettersLostByBroker =
            expectedDead.subtracting(dead).intersection(deadLettersAcknowledgedButLost).count
        report.note(
            "malformed records not dead-lettered",
            Array(expectedDead.subtracting(dead).subtracting(deadLettersAcknowledgedButLost)))
        let forgedHeld = heldActions.map { forgedActions.intersection($0) } ?? forgedActions
        report.forgedActionsLostByBroker = forgedActions.count - forgedHeld.count
        report.forgedActions = forgedHeld.count
        report.forgedRefused = forgedHeld.intersection(dead).count
        report.forgedRefusalsLostByBroker =
            forgedHeld.subtracting(dead)
            .intersection(refusalsAcknowledgedButLost).count
        report.note(
            "forged actions not refused", Array(forgedHeld.subtracting(dead).subtracting(refusalsAcknowledgedButLost)))
        report.unexpectedDeadLetters = dead.subtracting(expectedDead).subtracting(forgedActions).count
        report.pendingOutbox = pendingOutbox
        return report
    }

    /// The acknowledged events no output topic holds now: the flags whose `flag.raised` and the
    /// escalation steps whose `flag.escalated` they were. Counts, for the report, whether the
    /// acknowledged position now holds another record (the broker reused the offset) or none.
    private func lostAcknowledgedEvents(seen: Set<String>, report: inout ChaosReport)
        -> (raised: Set<String>, escalationSteps: Set<String>)
    {
        var occupied: Set<Position> = []
        for event in events { if let position = event.position { occupied.insert(position) } }
        var raised: Set<String> = []
        var steps: Set<String> = []
        for event in acknowledgedEvents where !seen.contains(event.id) {
            guard let flagID = event.flagID else { continue }
            switch event.type {
            case EventType.flagRaised.rawValue: raised.insert(flagID)
            case EventType.flagEscalated.rawValue: steps.insert(Self.stepKey(flagID, event.level, event.reason))
            default: continue
            }
            if let position = event.position, occupied.contains(position) { report.lostOffsetsReused += 1 }
        }
        return (raised, steps)
    }

    private static func stepKey(_ flagID: String, _ level: String?, _ reason: String?) -> String {
        flagID + "/" + (level ?? "?") + "/" + (reason ?? "?")
    }
}
