import Foundation
import Testing

@testable import Escalation
@testable import Warden

/// The chaos audit as a value: ground truth, what the broker holds, the ledger and the events in;
/// counts and a verdict out. Each failure kind a chaos run can expose is planted here once.
@Suite struct ChaosAuditTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let now = start.addingTimeInterval(3600)

    static func sent(_ id: String, _ expectation: ChaosAudit.Expectation, diligent: Bool = false) -> ChaosAudit.Sent {
        ChaosAudit.Sent(
            id: id, messageID: expectation == .deadLetter ? nil : id, groupID: "g", expectation: expectation,
            ownerActs: diligent)
    }

    static func flag(
        for messageID: String, status: FlagStatus, escalations: [(EscalationLevel, EscalationReason)] = [],
        deadline: Date? = nil, resolved: Bool = false
    ) -> Flag {
        var history = [FlagStep(at: start, kind: .raised, level: .owner)]
        history += escalations.map { FlagStep(at: start, kind: .escalated, level: $0.0, reason: $0.1) }
        return Flag(
            flagID: FlagID.forMessage(messageID), messageID: messageID, groupID: "g", senderID: "s", ownerID: "o",
            adminIDs: [], categories: [], severity: .high, route: .owner, status: status,
            level: escalations.last?.0 ?? .owner, deadline: deadline, raisedAt: start, history: history,
            resolution: resolved
                ? Resolution(
                    by: .owner, actorID: "o", action: .warnMember, actionID: "a", at: start, timeToActionSeconds: 1)
                : nil,
            version: 1)
    }

    static func raised(_ messageID: String, id: String? = nil) -> ChaosAudit.Event {
        let flagID = FlagID.forMessage(messageID)
        return .init(id: id ?? "raised-\(flagID)", type: "flag.raised", flagID: flagID)
    }

    static func escalated(_ messageID: String, _ level: String, _ reason: String, id: String? = nil)
        -> ChaosAudit.Event
    {
        let flagID = FlagID.forMessage(messageID)
        return .init(
            id: id ?? "esc-\(flagID)-\(level)-\(reason)", type: "flag.escalated", flagID: flagID, level: level,
            reason: reason)
    }

    /// A run where everything went right: a negligent owner's flag escalated twice, a diligent
    /// owner's flag resolved, a clean message, a malformed one dead-lettered.
    static func cleanRun() -> ChaosAudit {
        ChaosAudit(
            sent: [
                sent("m1", .flag), sent("m2", .flag, diligent: true), sent("m3", .noFlag), sent("bad", .deadLetter),
            ],
            held: [
                .init(sentID: "m1", partition: 0, offset: 0), .init(sentID: "m2", partition: 0, offset: 1),
                .init(sentID: "m3", partition: 1, offset: 0), .init(sentID: "bad", partition: 1, offset: 1),
            ],
            committed: [0: 2, 1: 2],
            ledgerFlags: [
                flag(
                    for: "m1", status: .providerOverdue,
                    escalations: [(.provider, .ownerTimeout), (.provider, .providerTimeout)]),
                flag(for: "m2", status: .resolved, resolved: true),
            ],
            events: [
                raised("m1"), raised("m2"), escalated("m1", "provider", "owner_timeout"),
                escalated("m1", "provider", "provider_timeout"),
            ],
            deadLetters: ["bad"], pendingOutbox: 0, now: now)
    }

    @Test func aRunWhereEverythingAgreesPasses() {
        let report = Self.cleanRun().report()
        #expect(report.passed, "\(report.failures)")
        #expect(report.expectedFlags == 2 && report.flagsRaisedOnce == 2 && report.escalationsPublishedOnce == 2)
        #expect(report.deadLettered == 1 && report.expectedDeadLetters == 1)
        #expect(report.outcomes["negligent owner: escalated (owner_timeout)"] == 1)
        #expect(report.outcomes["diligent owner: resolved"] == 1)
        #expect(report.summary().hasSuffix("AUDIT PASSED\n"))
    }

    @Test func redeliveredCopiesOfAnEventAreCountedButAreNotFailures() {
        var audit = Self.cleanRun()
        audit.events.append(Self.raised("m1"))
        audit.events.append(Self.escalated("m1", "provider", "owner_timeout"))
        let report = audit.report()
        #expect(report.passed)
        #expect(report.redeliveredEvents == 2)
    }

    @Test func aSecondDistinctRaiseOrEscalationOfOneFlagFails() {
        var audit = Self.cleanRun()
        audit.events.append(Self.raised("m1", id: "raised-again"))
        audit.events.append(Self.escalated("m1", "provider", "owner_timeout", id: "esc-again"))
        let report = audit.report()
        #expect(report.flagsRaisedTwice == 1)
        #expect(report.escalationsPublishedTwice == 1)
        #expect(!report.passed)
    }

    @Test func aFlagMissingFromTheLedgerOrAnUnexplainedOneFails() {
        var audit = Self.cleanRun()
        audit.ledgerFlags.removeFirst()
        audit.ledgerFlags.append(
            Self.flag(for: "m3", status: .awaitingOwner, deadline: Self.now.addingTimeInterval(60)))
        let report = audit.report()
        #expect(report.missingFlags == 1)
        #expect(report.unexplainedFlags == 1)
        #expect(report.escalationEventsWithoutStep == 2)
        #expect(!report.passed)
    }

    @Test func recordsTheBrokerLostAreExcludedFromTheGroundTruth() {
        var audit = Self.cleanRun()
        audit.held.removeAll { $0.sentID == "m2" }
        audit.ledgerFlags.removeAll { $0.messageID == "m2" }
        audit.events.removeAll { $0.flagID == FlagID.forMessage("m2") }
        let report = audit.report()
        #expect(report.lostByBroker == 1)
        #expect(report.expectedFlags == 1)
        #expect(report.passed, "\(report.failures)")
    }

    @Test func aHeldRecordPastTheCommittedOffsetIsUnhandled() {
        var audit = Self.cleanRun()
        audit.committed[1] = 1
        let report = audit.report()
        #expect(report.unhandled == 1)
        #expect(!report.passed)
    }

    @Test func anExpiredOpenDeadlineAnUnpublishedStepAndAMissingDeadLetterFail() {
        var audit = Self.cleanRun()
        audit.ledgerFlags[1] = Self.flag(
            for: "m2", status: .awaitingProvider, escalations: [(.provider, .ownerTimeout)],
            deadline: Self.now.addingTimeInterval(-1))
        audit.deadLetters = []
        audit.pendingOutbox = 3
        let report = audit.report()
        #expect(report.expiredDeadlinesOpen == 1)
        #expect(report.escalationsNotPublished == 1)
        #expect(report.deadLettered == 0)
        #expect(report.pendingOutbox == 3)
        #expect(
            Set(report.failures.map(\.check)) == [
                "escalations not published", "expired deadlines still open", "malformed records not dead-lettered",
                "outbox events unpublished",
            ])
    }

    @Test func aRefusalWhoseDeadLetterTheBrokerLostIsCountedApartOnlyWhenAcknowledged() {
        var audit = Self.cleanRun()
        audit.forgedActions = ["forged-1", "forged-2", "forged-3"]
        audit.deadLetters = ["bad", "forged-1"]
        // forged-2's refusal was acknowledged to a worker, then lost; forged-3 has no such evidence.
        audit.refusalsAcknowledgedButLost = ["forged-2"]
        let report = audit.report()
        #expect(report.forgedRefused == 1)
        #expect(report.forgedRefusalsLostByBroker == 1)
        #expect(report.failures.map(\.check) == ["forged actions not refused"])
        // The printed audit names the action, for the run's logs.
        #expect(report.summary().contains("e.g. forged actions not refused: forged-3\nAUDIT FAILED"))

        audit.deadLetters.append("forged-3")
        #expect(audit.report().passed, "\(audit.report().failures)")
    }

    @Test func aDeadLetterTheBrokerLostIsItsLossOnlyWhenAcknowledged() {
        var audit = Self.cleanRun()
        audit.deadLetters = []
        #expect(audit.report().failures.map(\.check) == ["malformed records not dead-lettered"])
        audit.deadLettersAcknowledgedButLost = ["bad"]
        let report = audit.report()
        #expect(report.passed, "\(report.failures)")
        #expect(report.deadLettersLostByBroker == 1)
    }

    @Test func aForgedActionTheBrokerNoLongerHoldsLeavesTheGroundTruth() {
        var audit = Self.cleanRun()
        audit.forgedActions = ["forged-1", "forged-2"]
        audit.deadLetters = ["bad", "forged-1"]
        audit.heldActions = ["forged-1", "forged-2", "owner-act"]
        #expect(audit.report().failures.map(\.check) == ["forged actions not refused"])
        #expect(audit.report().examples["forged actions not refused"] == ["forged-2"])

        // Lost from the actions topic: no worker may ever have read it.
        audit.heldActions = ["forged-1", "owner-act"]
        let report = audit.report()
        #expect(report.passed, "\(report.failures)")
        #expect(report.forgedActions == 1 && report.forgedActionsLostByBroker == 1 && report.forgedRefused == 1)
    }

    @Test func anAcknowledgedEventTheBrokerNoLongerHoldsIsItsLossOnlyWithTheLedgersEvidence() {
        var audit = Self.cleanRun()
        let at = { (offset: Int64) in ChaosAudit.Position(topic: "flags", partition: 1, offset: offset) }
        // m1's flag.raised (acknowledged at offset 5, which now holds m2's event) and its
        // provider-timeout escalation (acknowledged at 9, past the end) are gone from the topics.
        audit.events = [
            {
                var event = Self.raised("m2"); event.position = at(5); return event
            }(),
            Self.escalated("m1", "provider", "owner_timeout"),
        ]
        let failing = audit.report()
        #expect(failing.flagsNotRaised == 1 && failing.escalationsNotPublished == 1)
        #expect(failing.outputLostByBroker == 0)

        audit.acknowledgedEvents = [
            {
                var event = Self.raised("m1"); event.position = at(5); return event
            }(),
            {
                var event = Self.escalated("m1", "provider", "provider_timeout"); event.position = at(9); return event
            }(),
            // Acknowledged and still held: not a loss.
            {
                var event = Self.raised("m2"); event.position = at(5); return event
            }(),
        ]
        let report = audit.report()
        #expect(report.passed, "\(report.failures)")
        #expect(report.outputLostByBroker == 2)
        #expect(report.lostOffsetsReused == 1)
        #expect(report.flagsNotRaised == 0 && report.escalationsNotPublished == 0)

        // The ledger's evidence does not excuse an event published twice under two ids.
        audit.events.append(Self.raised("m2", id: "another-id"))
        #expect(audit.report().failures.map(\.check) == ["flags raised twice"])
    }

    @Test func chaosTrafficIsSeededAndItsGroundTruthMatchesItsRecords() throws {
        var first = ChaosTraffic(seed: 9, groups: 10, malformedShare: 0.05)
        var second = ChaosTraffic(seed: 9, groups: 10, malformedShare: 0.05)
        let date = Self.start
        let records = (0..<500).map { _ in first.next(sentAt: date) }
        #expect(records.map(\.value) == (0..<500).map { _ in second.next(sentAt: date).value })
        for record in records {
            let decoded = try? JSONSerialization.jsonObject(with: Data(record.value)) as? [String: Any]
            switch record.sent.expectation {
            case .deadLetter: #expect(decoded?["group"] == nil)
            case .flag, .noFlag:
                let kind = (decoded?["group"] as? [String: Any])?["kind"] as? String
                #expect(decoded?["message_id"] as? String == record.sent.id)
                if kind != "group" { #expect(record.sent.expectation == .noFlag) }
            }
        }
        #expect(records.contains { $0.sent.expectation == .deadLetter })
        #expect(records.contains { $0.sent.expectation == .flag })
    }
}
