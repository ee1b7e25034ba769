import Foundation
import Testing

@testable import Warden

/// The simulated platform's plan: repeatable for a seed, carrying every trait the demo shows,
/// and never expecting a private chat to be flagged.
@Suite struct DemoScenarioTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func sameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        let first = DemoScenario(seed: 7, messageCount: 400, start: Self.start)
        let again = DemoScenario(seed: 7, messageCount: 400, start: Self.start)
        let other = DemoScenario(seed: 8, messageCount: 400, start: Self.start)
        #expect(first.messages.map(\.json) == again.messages.map(\.json))
        #expect(first.messages.map(\.violates) == again.messages.map(\.violates))
        #expect(first.messages.map(\.json) != other.messages.map(\.json))
    }

    @Test func everyOwnerBehaviourHasAGroupThatSendsMessages() {
        let scenario = DemoScenario(seed: 42, messageCount: 2000, start: Self.start)
        let planned = Set(scenario.messages.map(\.group.behaviour))
        #expect(planned == Set(DemoScenario.OwnerBehaviour.allCases))
        let sizes = scenario.groups.map(\.memberCount)
        #expect(sizes.min() == 2)
        #expect(sizes.max() == 500)
        #expect(Set(scenario.groups.map(\.kind)) == ["group", "family", "direct"])
        #expect(Set(scenario.groups.map(\.id)).count == scenario.groups.count, "group ids are unique")
        #expect(Set(scenario.messages.map(\.id)).count == scenario.messages.count, "message ids are unique")
    }

    @Test func theOffenderPostsViolationsHimselfAndTheOwnerlessGroupHasNoOwner() throws {
        let scenario = DemoScenario(seed: 42, messageCount: 2000, start: Self.start)
        let offender = try #require(scenario.groups.first { $0.behaviour == .offender })
        let own = scenario.messages.filter { $0.group.id == offender.id && $0.violates }
        #expect(!own.isEmpty)
        let byOwner = own.filter { $0.senderID == offender.ownerID }
        #expect(byOwner.count * 2 > own.count, "most of its violations come from the owner himself")
        let ownerless = try #require(scenario.groups.first { $0.behaviour == .ownerless })
        #expect(ownerless.ownerID == nil)
        #expect(scenario.messages.contains { $0.group.id == ownerless.id && $0.violates })
        let negligent = scenario.messages.filter { $0.group.behaviour == .negligent && $0.violates }
        let diligent = scenario.messages.filter { $0.group.behaviour == .diligent && $0.violates }
        #expect(!negligent.isEmpty && !diligent.isEmpty)
    }

    @Test func theChannelGroupTurnsObscenePartwayThrough() throws {
        let scenario = DemoScenario(seed: 42, messageCount: 2000, start: Self.start)
        let channel = try #require(scenario.groups.first { $0.behaviour == .turnsObscene })
        #expect(channel.memberCount == 200)
        let messages = scenario.messages.enumerated().filter { $0.element.group.id == channel.id }
        let cut = scenario.messages.count * 3 / 10
        let before = messages.filter { $0.offset < cut }.map(\.element)
        let after = messages.filter { $0.offset > cut }.map(\.element)
        func share(_ list: [DemoScenario.PlannedMessage]) -> Double {
            Double(list.filter(\.violates).count) / Double(max(1, list.count))
        }
        #expect(share(before) < 0.3)
        #expect(share(after) > 0.5, "a large share of its traffic, enough for a group alert")
        let obscene = after.filter { $0.violates && DemoTexts.obsceneChannel.contains($0.text) }
        #expect(obscene.count * 2 > after.count, "after the turn, most of its messages are obscene")
    }

    @Test func violationsCoverEveryContractCategory() {
        let scenario = DemoScenario(seed: 42, messageCount: 2000, start: Self.start)
        let sent = Set(scenario.messages.filter(\.violates).map(\.text))
        let categories = Set(DemoTexts.violations.filter { sent.contains($0.text) }.map(\.category))
        #expect(
            categories == [
                "obscene", "violence_terror", "rumor", "fraud", "pyramid_selling", "gambling",
                "rights_infringement", "personal_info",
            ])
        #expect(scenario.messages.filter { !$0.violates }.count > scenario.messages.count / 2, "mostly clean chatter")
    }

    @Test func privateMessagesNeverCarryAnExpectedFlag() {
        let scenario = DemoScenario(seed: 42, messageCount: 2000, start: Self.start)
        let privateMessages = scenario.messages.filter { $0.group.kind != "group" }
        #expect(!privateMessages.isEmpty)
        #expect(privateMessages.allSatisfy { !$0.violates })
        let violatingTexts = Set(DemoTexts.violations.map(\.text))
        #expect(
            privateMessages.contains { violatingTexts.contains($0.text) },
            "private chats carry violating text too, so the privacy gate is really exercised")
    }

    @Test func everyPlannedMessageIsContractJSONWithItsGroupSnapshot() throws {
        let scenario = DemoScenario(seed: 3, messageCount: 300, start: Self.start)
        let decoder = ContractDecoder()
        for planned in scenario.messages {
            let message = try decoder.message(planned.json)
            #expect(message.messageID == planned.id)
            #expect(message.groupID == planned.group.id)
            #expect(message.senderID == planned.senderID)
            #expect(message.text == planned.text)
            #expect(message.group.ownerID == planned.group.ownerID)
            #expect(message.group.memberCount == planned.group.memberCount)
            #expect(message.group.kind.rawValue == planned.group.kind)
            #expect(message.sentAt >= Self.start)
        }
    }
}
