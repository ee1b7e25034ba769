import Escalation
import Foundation
import Testing

@testable import Warden

/// The pipeline end to end: a scripted platform talks the contract over an embedded Kafka to a
/// whole GroupWarden, and the tests read what comes out.
@Suite(.serialized) struct PipelineEndToEndTests {
    @Test func ownerIsNotifiedAndActingInTimeResolves() async throws {
        let h = try await EndToEndHarness()
        try h.startReader()
        try await h.startWorker()
        let flag = FlagID.forMessage("m-owner")
        try await h.sendMessage(id: "m-owner", group: "g-a", sender: "u-7", owner: "u-1", text: "今晚来网赌，稳赢")
        let seen = try await h.waitFor("owner notice", h.events("owner.notified", flag: flag))
        #expect(seen.contains { $0.type == "flag.raised" && $0.data["route"] == "owner" && $0.key == "g-a" })
        #expect(!seen.contains { $0.data.values.contains { $0.contains("网赌") } }, "events never quote the text")
        h.time.advance(60)
        try await h.sendAction(
            id: "a-1", flagID: flag, group: "g-a", actor: "u-1", role: .owner, action: .deleteMessage)
        let after = try await h.waitFor("resolution", h.events("flag.resolved", flag: flag))
        let resolved = try #require(after.first { $0.type == "flag.resolved" })
        #expect(resolved.data["resolved_by"] == "owner")
        #expect(resolved.data["time_to_action_seconds"] == "60")
        // The owner's deadline passing later escalates nothing.
        h.time.advance(24 * 3600)
        try await h.sendMessage(id: "m-marker", group: "g-a", sender: "u-7", owner: "u-1", text: "来 赌.博 吧")
        let final = try await h.waitFor("marker flag", h.events("flag.raised", flag: FlagID.forMessage("m-marker")))
        #expect(!final.contains { $0.type == "flag.escalated" && $0.data["flag_id"] == flag })
        await h.stop()
    }

    @Test func ownerTimeoutGoesToTheProviderThenToTheAuthorities() async throws {
        let h = try await EndToEndHarness()
        try h.startReader()
        try await h.startWorker()
        let flag = FlagID.forMessage("m-late")
        try await h.sendMessage(id: "m-late", group: "g-b", sender: "u-7", owner: "u-1", text: "免费成人視頻点这里")
        _ = try await h.waitFor("owner notice", h.events("owner.notified", flag: flag))
        h.time.advance(25 * 3600)
        let first = try await h.waitFor("owner timeout") { outputs in
            outputs.contains {
                $0.type == "flag.escalated" && $0.data["reason"] == "owner_timeout" && $0.data["flag_id"] == flag
            }
        }
        #expect(first.first { $0.type == "flag.escalated" }?.data["level"] == "provider")
        h.time.advance(25 * 3600)
        let second = try await h.waitFor("provider timeout") { outputs in
            outputs.contains {
                $0.type == "flag.escalated" && $0.data["reason"] == "provider_timeout" && $0.data["flag_id"] == flag
            }
        }
        #expect(second.last { $0.type == "flag.escalated" }?.data["level"] == "authority")
        #expect(
            second.filter { $0.type == "flag.escalated" && $0.data["flag_id"] == flag }.count == 2,
            "escalated once per step")
        await h.stop()
    }

    @Test func ownerSenderSkipsTheOwnerPrivateChatsAreNeverInspectedForgedActionsAreRefused() async throws {
        let h = try await EndToEndHarness()
        try h.startReader()
        try await h.startWorker()
        try await h.sendMessage(
            id: "m-family", group: "f-1", sender: "mum", owner: "mum", kind: "family", text: "来 赌.博 吧")
        try await h.sendMessage(id: "m-self", group: "g-c", sender: "u-1", owner: "u-1", text: "上分找客服，首充送彩金")
        let flag = FlagID.forMessage("m-self")
        let seen = try await h.waitFor("owner-as-sender escalation", h.events("flag.escalated", flag: flag))
        #expect(seen.first { $0.type == "flag.escalated" }?.data["reason"] == "owner_is_sender")
        #expect(!seen.contains { $0.type == "owner.notified" && $0.data["flag_id"] == flag })
        try await h.sendAction(
            id: "a-forged", flagID: flag, group: "g-c", actor: "ops", role: .provider, action: .dismiss, forge: true)
        let dlq = try await h.waitFor("forged action in the DLQ") { outputs in
            outputs.contains { $0.topic == h.config.topics.dlq }
        }
        let dead = try #require(dlq.first { $0.topic == h.config.topics.dlq })
        #expect(dead.headers["x-warden-error"]?.contains("bad_signature") == true)
        #expect(dead.headers["x-warden-source-topic"] == h.config.topics.actions)
        #expect(
            !dlq.contains { $0.data["flag_id"] == FlagID.forMessage("m-family") }, "the family chat was never flagged")
        await h.stop()
    }

    @Test func aThirtyMemberGroupFullOfFlagsIsAlertedATwentyNineMemberOneIsNot() async throws {
        let h = try await EndToEndHarness()
        try h.startReader()
        try await h.startWorker()
        for index in 0..<6 {
            try await h.sendMessage(
                id: "small-\(index)", group: "g-29", sender: "u-\(index)", owner: "u-1", members: 29, text: "同城约炮加我")
            try await h.sendMessage(
                id: "big-\(index)", group: "g-30", sender: "u-\(index)", owner: "u-1", members: 30, text: "同城约炮加我")
        }
        let seen = try await h.waitFor("group alert") { outputs in outputs.contains { $0.type == "group.alert" } }
        let alert = try #require(seen.first { $0.type == "group.alert" })
        #expect(alert.key == "g-30")
        #expect(alert.data["reason"] == "primarily_illegal_content")
        let all = try await h.waitFor("every flag") { outputs in outputs.filter { $0.type == "flag.raised" }.count == 12
        }
        #expect(!all.contains { $0.type == "group.alert" && $0.key == "g-29" })
        await h.stop()
    }
}
