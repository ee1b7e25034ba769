import Foundation
import Testing

@testable import Escalation

/// The wire-facing vocabulary: raw values the contract fixes, the flag id format, evidence JSON,
/// and the flag's Codable round trip the ledger relies on.
@Suite struct ModelCodingTests {
    @Test func severitiesAreOrderedLowToCritical() {
        #expect(Severity.allCases.sorted() == [.low, .medium, .high, .critical])
        #expect(Severity.low < Severity.medium && Severity.medium < Severity.high)
        #expect(Severity.high < Severity.critical)
        #expect(Severity.allCases.max() == .critical)
    }

    @Test func rawValuesAreTheContracts() {
        #expect(
            EscalationReason.allCases.map(\.rawValue) == [
                "owner_timeout", "owner_is_sender", "no_owner", "severe_category", "group_primarily_illegal",
                "provider_timeout",
            ])
        #expect(
            ActionKind.allCases.map(\.rawValue) == [
                "warn_member", "remove_member", "delete_message", "report", "dismiss", "ban_user", "suspend_group",
                "close_group",
            ])
        #expect(
            Measure.allCases.map(\.rawValue) == [
                "warn_and_rectify", "suspend_posting", "close_group", "lower_credit", "suspend_admin_rights",
                "revoke_group_creation",
            ])
        #expect(GroupAlert.Reason.primarilyIllegalContent.rawValue == "primarily_illegal_content")
        #expect(GroupAlert.Reason.repeatedOwnerNegligence.rawValue == "repeated_owner_negligence")
        #expect([Route.owner, .provider].map(\.rawValue) == ["owner", "provider"])
        #expect([EscalationLevel.owner, .provider, .authority].map(\.rawValue) == ["owner", "provider", "authority"])
    }

    @Test func onlyAwaitingStatusesAreOpen() {
        let open = FlagStatus.allCases.filter(\.isOpen)
        #expect(open == [.awaitingOwner, .awaitingProvider])
    }

    @Test func flagIDIsTheFirst24HexDigitsOfSHA256() {
        // sha256("m-8812") begins efc36e605ef69cc95b15ce34…
        #expect(FlagID.forMessage("m-8812") == "flag-efc36e605ef69cc95b15ce34")
        #expect(FlagID.forMessage("m-8812") == FlagID.forMessage("m-8812"))
        #expect(FlagID.forMessage("m-8813") != FlagID.forMessage("m-8812"))
        let hex = FlagID.forMessage("群-消息-1").dropFirst("flag-".count)
        #expect(hex.count == 24)
        #expect(hex.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func evidenceEncodesAsOffsetsOrAnAttachmentIndex() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = try String(decoding: encoder.encode(EvidenceRef.text(start: 2, end: 7)), as: UTF8.self)
        #expect(text == #"{"end":7,"start":2}"#)
        let attachment = try String(decoding: encoder.encode(EvidenceRef.attachment(index: 1)), as: UTF8.self)
        #expect(attachment == #"{"attachment":1}"#)
        let decoded = try JSONDecoder().decode(
            [EvidenceRef].self, from: Data(#"[{"start":0,"end":3},{"attachment":2}]"#.utf8))
        #expect(decoded == [.text(start: 0, end: 3), .attachment(index: 2)])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EvidenceRef.self, from: Data(#"{"start":1}"#.utf8))
        }
    }

    @Test func aFlagSurvivesAJSONRoundTripThroughEveryStage() throws {
        let chain = ResponsibilityChain()
        let t0 = ChainFixtures.t0
        let raised = try #require(
            chain.raise(ChainFixtures.message(), existing: nil, groupIsPrimarilyIllegal: false, now: t0).flag)
        let escalated = try #require(chain.deadlineFired(raised, now: raised.deadline!).flag)
        let resolved = try #require(
            chain.apply(
                ChainFixtures.action("a-1", by: "ops", as: .provider, .banUser, at: escalated.deadline!), to: escalated
            ).flag)
        for flag in [raised, escalated, resolved] {
            let data = try JSONEncoder().encode(flag)
            #expect(try JSONDecoder().decode(Flag.self, from: data) == flag)
        }
    }

    @Test func snapshotRolesPreferOwnerOverAdmin() {
        let snapshot = GroupSnapshot(ownerID: "u-1", adminIDs: ["u-1", "u-2"], memberCount: 3)
        #expect(snapshot.role(of: "u-1") == .owner)
        #expect(snapshot.role(of: "u-2") == .admin)
        #expect(snapshot.role(of: "u-3") == nil)
        #expect(GroupSnapshot(ownerID: nil, adminIDs: [], memberCount: 1).role(of: "u-1") == nil)
    }

    @Test func chainEventsNameTheirTypeAndGroup() {
        let alert = ChainEvent.groupAlert(
            GroupAlert(
                groupID: "g-9", reason: .primarilyIllegalContent, memberCount: 30, window: 3600, flaggedMessages: 10,
                flaggedRatio: 0.5, recommendedMeasures: [.warnAndRectify]))
        #expect(alert.type == "group.alert")
        #expect(alert.groupID == "g-9")
        let resolved = ChainEvent.flagResolved(
            FlagResolved(
                flagID: "f", groupID: "g-8", resolvedBy: .admin, action: .report, actionID: "a", timeToActionSeconds: 1)
        )
        #expect(resolved.type == "flag.resolved")
        #expect(resolved.groupID == "g-8")
    }

    @Test func durationsConvertToSecondsIncludingFractions() {
        #expect(Duration.seconds(90).seconds == 90)
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(ChainFixtures.t0 + .seconds(60) == ChainFixtures.t0.addingTimeInterval(60))
        #expect(ChainFixtures.t0 - .seconds(60) == ChainFixtures.t0.addingTimeInterval(-60))
    }
}
