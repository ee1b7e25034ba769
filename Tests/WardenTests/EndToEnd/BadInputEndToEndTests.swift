import Escalation
import Foundation
import Testing

@testable import Warden

/// Bad input through a whole worker: seeded fuzzed records on both input topics each land in
/// the DLQ with a reason, the worker keeps going on the same partitions, a replayed action
/// changes nothing, and the log stream never carries what the platform's users wrote.
@Suite(.serialized) struct BadInputEndToEndTests {
    /// A secret every fuzzed and valid text carries, so the log check can look for it.
    static let secret = "秘密口令"

    @Test func fuzzedRecordsAllReachTheDLQWithAReasonAndThePartitionsMoveOn() async throws {
        let h = try await EndToEndHarness()
        try h.startReader()
        try await h.startWorker()
        var fuzzer = RecordFuzzer(seed: 20_261_122)
        let messages = (0..<120).map { fuzzer.badMessage(number: $0) }
        let actions = (0..<60).map { fuzzer.badAction(number: $0) }
        for (index, value) in messages.enumerated() {
            _ = try await h.producer.send(
                topic: h.config.topics.messages, key: Array("fz-\(index % 4)".utf8), value: value)
        }
        for (index, value) in actions.enumerated() {
            _ = try await h.producer.send(
                topic: h.config.topics.actions, key: Array("fz-\(index % 4)".utf8), value: value)
        }
        // A private chat whose text is not even a string is counted, never inspected: no DLQ.
        try await h.sendRaw(
            #"{"message_id":"m-fam","group_id":"fz-0","sender_id":"mum","sent_at":"2026-11-22T09:00:00Z","text":12,"group":{"owner_id":"mum","admin_ids":[],"member_count":4,"kind":"family"}}"#,
            key: "fz-0")
        // After the junk, valid violations on every key still get flagged.
        for key in 0..<4 {
            try await h.sendMessage(
                id: "m-after-\(key)", group: "fz-\(key)", sender: "u-secret-\(key)", owner: "o-\(key)",
                text: "今晚来网赌，稳赢 \(Self.secret)")
        }
        let seen = try await h.waitFor("every bad record in the DLQ and the valid flags") { outputs in
            outputs.filter { $0.topic == h.config.topics.dlq }.count >= messages.count + actions.count
                && (0..<4).allSatisfy { key in
                    outputs.contains { $0.type == "flag.raised" && $0.data["message_id"] == "m-after-\(key)" }
                }
        }
        let dead = seen.filter { $0.topic == h.config.topics.dlq }
        #expect(dead.count == messages.count + actions.count, "each bad record exactly once, nothing else")
        #expect(dead.allSatisfy { !($0.headers["x-warden-error"] ?? "").isEmpty }, "every DLQ record has a reason")
        let fromMessages = dead.filter { $0.headers["x-warden-source-topic"] == h.config.topics.messages }
        #expect(fromMessages.count == messages.count)
        let sources = Set(
            dead.map { record in
                ["x-warden-source-topic", "x-warden-source-partition", "x-warden-source-offset"]
                    .map { record.headers[$0] ?? "?" }.joined(separator: "/")
            })
        #expect(sources.count == dead.count, "no record dead-lettered twice")
        #expect(
            !seen.contains { $0.data["message_id"] == "m-fam" }, "the family chat was neither flagged nor dead-lettered"
        )
        let leaks = h.logLines.filter { $0.contains(Self.secret) || $0.contains("u-secret") }
        #expect(leaks.isEmpty, "the log stream never carries message text or sender ids: \(leaks.prefix(3))")
        #expect(!h.logLines.isEmpty, "the worker did log (the check above is not vacuous)")
        await h.stop()
    }

    @Test func aReplayedActionResolvesOnceAndAReplayedMessageRaisesOnce() async throws {
        let h = try await EndToEndHarness()
        try h.startReader()
        try await h.startWorker()
        let flag = FlagID.forMessage("m-replay")
        for _ in 0..<2 {
            try await h.sendMessage(
                id: "m-replay", group: "g-r", sender: "u-2", owner: "u-1", text: "来 赌.博 吧 \(Self.secret)")
        }
        _ = try await h.waitFor("owner notice", h.events("owner.notified", flag: flag))
        for _ in 0..<3 {
            try await h.sendAction(
                id: "a-once", flagID: flag, group: "g-r", actor: "u-1", role: .owner, action: .warnMember)
        }
        // A marker after the replays on the same key: once it is flagged, the replays were handled.
        try await h.sendMessage(id: "m-marker-r", group: "g-r", sender: "u-2", owner: "u-1", text: "今晚来网赌，稳赢")
        _ = try await h.waitFor("resolution", h.events("flag.resolved", flag: flag))
        try await h.sendAction(
            id: "a-marker", flagID: FlagID.forMessage("m-marker-r"), group: "g-r", actor: "u-1", role: .owner,
            action: .deleteMessage)
        let seen = try await h.waitFor(
            "marker resolution", h.events("flag.resolved", flag: FlagID.forMessage("m-marker-r")))
        #expect(seen.filter { $0.type == "flag.raised" && $0.data["flag_id"] == flag }.count == 1)
        #expect(seen.filter { $0.type == "flag.resolved" && $0.data["flag_id"] == flag }.count == 1)
        #expect(!seen.contains { $0.topic == h.config.topics.dlq }, "a replay is ignored, not refused")
        #expect(h.logLines.allSatisfy { !$0.contains(Self.secret) })
        await h.stop()
    }
}

/// Seeded malformed records of every kind the issue lists: invalid JSON, binary, invalid UTF-8,
/// wrong types, missing fields, oversized text, deep nesting, non-object documents, empty values
/// and unknown enumerations.
struct RecordFuzzer {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func badMessage(number: Int) -> [UInt8] {
        var object: [String: Any] = [
            "message_id": "fz-m-\(number)", "group_id": "fz-g", "sender_id": "u-secret",
            "sent_at": "2026-11-22T09:00:00Z",
            "text": "今晚来网赌 \(BadInputEndToEndTests.secret)",
            "group": ["owner_id": "o", "admin_ids": ["a"], "member_count": 40, "kind": "group"] as [String: Any],
        ]
        switch number % 11 {
        case 0: return Array(json(object).dropLast(Int(random.next() % 20) + 1))
        case 1: return (0..<(Int(random.next() % 300) + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 2:
            var bytes = Array(#"{"message_id":"fz-\#(number)","text":""#.utf8)
            bytes += [0xFF, 0xFE, 0xC3, 0x28] + Array(#"","group":{"kind":"group"}}"#.utf8)
            return bytes
        case 3: object["group"] = ["owner_id": "o", "admin_ids": ["a"], "member_count": "forty", "kind": "group"]
        case 4: object.removeValue(forKey: ["message_id", "group_id", "sender_id", "sent_at", "group"][number % 5])
        case 5: object["text"] = String(repeating: "赌", count: 40_000) + BadInputEndToEndTests.secret
        case 6: return Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        case 7: return Array(["[1,2]", "42", "\"s\"", "null", "true"][number % 5].utf8)
        case 8: return []
        case 9: object["group"] = ["owner_id": "o", "admin_ids": ["a"], "member_count": 40, "kind": "galaxy"]
        default: object["message_id"] = Int(random.next() % 1000)
        }
        return json(object)
    }

    mutating func badAction(number: Int) -> [UInt8] {
        var object: [String: Any] = [
            "action_id": "fz-a-\(number)", "flag_id": "flag-000000000000000000000000", "group_id": "fz-g",
            "actor_id": "o", "actor_role": "owner", "action": "warn_member",
        ]
        switch number % 6 {
        case 0: return Array(json(object).dropLast(3))
        case 1: object["action"] = "explode"
        case 2: object["actor_role"] = "emperor"
        case 3: object.removeValue(forKey: "action_id")
        case 4: object["group_id"] = ["nested": true]
        default: return (0..<64).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
        return json(object)
    }

    private func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
