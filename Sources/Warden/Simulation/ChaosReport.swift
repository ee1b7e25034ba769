/// The counts a chaos audit prints, and whether the run passed.
public struct ChaosReport: Sendable, Equatable {
    public var sent = 0
    public var held = 0
    /// Acknowledged records the broker no longer holds (a Tansu fault, not ours): excluded from
    /// the ground truth.
    public var lostByBroker = 0
    /// Held records past the workers' committed offset.
    public var unhandled = 0

    public var expectedFlags = 0
    public var flagsInLedger = 0
    public var missingFlags = 0
    public var unexplainedFlags = 0
    public var flagsRaisedOnce = 0
    public var flagsNotRaised = 0
    public var flagsRaisedTwice = 0
    public var raisedWithoutFlag = 0
    /// Required events (`flag.raised`, `flag.escalated`) the ledger records as acknowledged by
    /// the broker, at a partition and offset, that no output topic holds now: on a broker that
    /// loses acknowledged records, its loss, not a missing publish.
    public var outputLostByBroker = 0
    /// Of the acknowledged events no topic holds, those whose acknowledged offset now holds
    /// another record.
    public var lostOffsetsReused = 0
    /// Copies of an event already seen (same id): at-least-once delivery, dropped by consumers.
    public var redeliveredEvents = 0

    public var escalations = 0
    public var escalationsPublishedOnce = 0
    public var escalationsNotPublished = 0
    public var escalationsPublishedTwice = 0
    public var escalationEventsWithoutStep = 0
    public var escalatedTwiceInLedger = 0
    public var expiredDeadlinesOpen = 0

    public var expectedDeadLetters = 0
    public var deadLettered = 0
    public var unexpectedDeadLetters = 0
    /// Malformed records dead-lettered (the worker logged the broker's acknowledgement) whose dead
    /// letter the broker then lost.
    public var deadLettersLostByBroker = 0
    public var pendingOutbox = 0
    /// Forged actions the broker still holds (the ones a worker must have refused).
    public var forgedActions = 0
    /// Forged actions sent but no longer held by the broker (excluded, like lost messages).
    public var forgedActionsLostByBroker = 0
    public var forgedRefused = 0
    /// Forged actions refused and dead-lettered (the worker logged the broker's acknowledgement)
    /// whose dead letter the broker then lost.
    public var forgedRefusalsLostByBroker = 0
    public var resolvedByForgery = 0
    /// Flags with more than one distinct flag.resolved event (a replayed action applied twice).
    public var resolvedTwice = 0

    /// Flags by ledger status.
    public var statuses: [String: Int] = [:]
    /// Expected flags by owner kind and outcome.
    public var outcomes: [String: Int] = [:]
    /// Up to five ids per anomaly, for whoever reads the run's logs next.
    public var examples: [String: [String]] = [:]

    mutating func note(_ anomaly: String, _ ids: [String]) {
        guard !ids.isEmpty else { return }
        let room = 5 - examples[anomaly, default: []].count
        if room > 0 { examples[anomaly, default: []] += ids.sorted().prefix(room) }
    }

    public init() {}

    /// Every check that must be zero, by name.
    public var failures: [(check: String, count: Int)] {
        [
            ("unhandled messages", unhandled), ("missing flags", missingFlags),
            ("unexplained flags", unexplainedFlags), ("flags not raised", flagsNotRaised),
            ("flags raised twice", flagsRaisedTwice), ("raised events without a flag", raisedWithoutFlag),
            ("escalations not published", escalationsNotPublished),
            ("escalations published twice", escalationsPublishedTwice),
            ("escalation events without a ledger step", escalationEventsWithoutStep),
            ("escalated twice in the ledger", escalatedTwiceInLedger),
            ("expired deadlines still open", expiredDeadlinesOpen),
            (
                "malformed records not dead-lettered", expectedDeadLetters - deadLettered - deadLettersLostByBroker
            ),
            ("unexpected dead letters", unexpectedDeadLetters), ("outbox events unpublished", pendingOutbox),
            ("forged actions not refused", forgedActions - forgedRefused - forgedRefusalsLostByBroker),
            ("flags resolved by a forged action", resolvedByForgery), ("flags resolved twice", resolvedTwice),
        ].filter { $0.1 != 0 }
    }

    public var passed: Bool { failures.isEmpty }

    public static func == (lhs: ChaosReport, rhs: ChaosReport) -> Bool { lhs.summary() == rhs.summary() }

    /// The printed audit.
    public func summary() -> String {
        var lines = [
            "messages: sent \(sent), held by the broker \(held) (lost by the broker \(lostByBroker)), not handled \(unhandled)",
            "flags: expected \(expectedFlags), in the ledger \(flagsInLedger), missing \(missingFlags), unexplained \(unexplainedFlags)",
            "flag.raised: exactly once \(flagsRaisedOnce), never \(flagsNotRaised), twice or more \(flagsRaisedTwice), without a flag \(raisedWithoutFlag); redelivered copies (same id) \(redeliveredEvents)",
            "escalations: \(escalations) in the ledger, published exactly once \(escalationsPublishedOnce), never \(escalationsNotPublished), twice or more \(escalationsPublishedTwice), events without a step \(escalationEventsWithoutStep), doubled in the ledger \(escalatedTwiceInLedger)",
            "deadlines: expired and still open \(expiredDeadlinesOpen)",
            "output events acknowledged by the broker and then lost by it: \(outputLostByBroker) (their acknowledged offset now holding another record: \(lostOffsetsReused))",
            "actions: forged \(forgedActions) (and \(forgedActionsLostByBroker) lost by the broker), refused into the DLQ \(forgedRefused) (refused but the dead letter lost by the broker \(forgedRefusalsLostByBroker)), flags resolved by a forgery \(resolvedByForgery), resolved twice (replays applied) \(resolvedTwice)",
            "dead letters: expected \(expectedDeadLetters), found \(deadLettered) (acknowledged but lost by the broker \(deadLettersLostByBroker)), unexpected \(unexpectedDeadLetters); outbox unpublished \(pendingOutbox)",
            "ledger statuses: "
                + statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "outcomes: " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
        ]
        // The ids behind each failed check, for whoever reads the run's logs next.
        for failure in failures {
            if let ids = examples[failure.check], !ids.isEmpty {
                lines.append("e.g. \(failure.check): " + ids.joined(separator: ", "))
            }
        }
        lines.append(
            passed
                ? "AUDIT PASSED" : "AUDIT FAILED: " + failures.map { "\($0.check) \($0.count)" }.joined(separator: ", ")
        )
        return lines.joined(separator: "\n") + "\n"
    }
}
