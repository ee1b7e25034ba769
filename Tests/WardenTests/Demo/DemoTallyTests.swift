import Foundation
import Testing

@testable import Warden

/// The demo's tally counts output events from their CloudEvents bytes alone, drops duplicates by
/// event id, and checks the plan's ground truth: every expected flag raised exactly once.
@Suite struct DemoTallyTests {
    struct Category: Encodable, Sendable {
        var category: String
        var score = 0.9
        var rules = ["r1"]
    }

    struct Raised: Encodable, Sendable {
        var flag_id: String
        var group_id: String
        var categories: [Category]
        var route = "owner"
    }

    struct Escalated: Encodable, Sendable {
        var flag_id: String
        var group_id: String
        var level: String
        var reason: String
    }

    struct Resolved: Encodable, Sendable {
        var flag_id: String
        var group_id: String
        var resolved_by: String
    }

    struct Alert: Encodable, Sendable {
        var group_id: String
        var reason: String
    }

    struct Notified: Encodable, Sendable {
        var flag_id: String
        var group_id: String
    }

    static let time = Date(timeIntervalSince1970: 1_795_000_000)

    static func event<P: Encodable & Sendable>(_ id: String, _ type: String, _ group: String, _ data: P) throws
        -> [UInt8]
    {
        try CloudEvent(id: id, source: "groupwarden/test", type: type, time: time, subject: group, data: data)
            .encoded()
    }

    static func stream() throws -> [[UInt8]] {
        [
            try event(
                "e1", "flag.raised", "g-1",
                Raised(flag_id: "f1", group_id: "g-1", categories: [.init(category: "gambling")])),
            try event(
                "e2", "flag.raised", "g-2",
                Raised(
                    flag_id: "f2", group_id: "g-2", categories: [.init(category: "fraud"), .init(category: "obscene")])),
            try event("e3", "owner.notified", "g-1", Notified(flag_id: "f1", group_id: "g-1")),
            try event("e3", "owner.notified", "g-1", Notified(flag_id: "f1", group_id: "g-1")),
            try event("e4", "flag.resolved", "g-1", Resolved(flag_id: "f1", group_id: "g-1", resolved_by: "owner")),
            try event(
                "e5", "flag.escalated", "g-2",
                Escalated(flag_id: "f2", group_id: "g-2", level: "provider", reason: "owner_timeout")),
            try event(
                "e6", "flag.escalated", "g-2",
                Escalated(flag_id: "f2", group_id: "g-2", level: "authority", reason: "provider_timeout")),
            try event("e7", "group.alert", "g-9", Alert(group_id: "g-9", reason: "primarily_illegal_content")),
            try event(
                "e8", "flag.raised", "g-9",
                Raised(flag_id: "f9", group_id: "g-9", categories: [.init(category: "obscene")])),
            try event(
                "e9", "flag.raised", "g-9",
                Raised(flag_id: "f9", group_id: "g-9", categories: [.init(category: "obscene")])),
        ]
    }

    @Test func countsEveryEventTypeFromItsBytes() throws {
        var tally = DemoTally()
        for bytes in try Self.stream() { _ = tally.count(event: bytes) }
        #expect(tally.flagsRaised == ["f1": 1, "f2": 1, "f9": 2])
        #expect(tally.byCategory == ["gambling": 1, "fraud": 1, "obscene": 3])
        #expect(tally.notices == 1)
        #expect(tally.resolutions == ["owner": 1])
        #expect(tally.escalations == ["provider/owner_timeout": 1, "authority/provider_timeout": 1])
        #expect(tally.alerts == ["g-9 primarily_illegal_content": 1])
    }

    @Test func aRedeliveredEventIsCountedOnceAndReportedAsDuplicate() throws {
        var tally = DemoTally()
        let stream = try Self.stream()
        for bytes in stream + stream.prefix(3) { _ = tally.count(event: bytes) }
        #expect(tally.duplicateEvents == 4)
        #expect(tally.notices == 1)
        #expect(tally.flagsRaised["f1"] == 1)
        #expect(tally.eventIDs.count == 9)
    }

    @Test func groundTruthCheckFindsMissingUnexpectedAndTwiceRaisedFlags() throws {
        var tally = DemoTally()
        tally.expectedFlags = ["f1", "f2", "f9", "f-never"]
        for bytes in try Self.stream() { _ = tally.count(event: bytes) }
        #expect(tally.missing == ["f-never"])
        #expect(tally.unexpected.isEmpty)
        #expect(tally.raisedTwice == 1, "f9 was raised under two different event ids")

        var clean = DemoTally()
        clean.expectedFlags = ["f1"]
        _ = clean.count(event: try Self.stream()[0])
        _ = clean.count(event: try Self.stream()[1])
        #expect(clean.missing.isEmpty)
        #expect(clean.unexpected == ["f2"])
        #expect(clean.raisedTwice == 0)
    }

    @Test func bytesThatAreNotACloudEventAreIgnored() {
        var tally = DemoTally()
        #expect(tally.count(event: Array("not json".utf8)) == nil)
        #expect(tally.count(event: Array(#"{"id":"x","type":"flag.raised"}"#.utf8)) == nil)
        #expect(tally.eventIDs.isEmpty && tally.flagsRaised.isEmpty)
    }

    @Test func summaryReportsTheGroundTruthCheckWithoutMessageText() throws {
        var tally = DemoTally()
        tally.messagesSent = 12
        tally.privateSent = 3
        tally.expectedFlags = ["f1", "f-never"]
        for bytes in try Self.stream() { _ = tally.count(event: bytes) }
        let summary = tally.summary()
        #expect(summary.contains("messages sent            12 (private, never inspected: 3)"))
        #expect(summary.contains("expected 2, missing 1, unexpected 2, raised twice 1"))
        #expect(summary.contains("provider/owner_timeout"))
        #expect(summary.contains("g-9 primarily_illegal_content"))
        let line = tally.progressLine(elapsed: 1.5)
        #expect(line.hasPrefix("[  1.5s] sent 12 (private 3) | flags 3 | notices 1"))
    }
}
