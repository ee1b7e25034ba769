import Foundation
import Testing

@testable import Escalation

@Suite struct ResponsibilityChainTests {
    let chain = ResponsibilityChain()
    let t0 = Date(timeIntervalSince1970: 1_795_338_000)

    func message(
        sender: String = "u-7", owner: String? = "u-1", categories: [String] = ["gambling"],
        severity: Severity = .medium, id: String = "m-1"
    ) -> FlaggedMessage {
        FlaggedMessage(
            messageID: id, groupID: "g-1", senderID: sender,
            group: GroupSnapshot(ownerID: owner, adminIDs: ["u-2"], memberCount: 50),
            categories: categories.map {
                CategoryFinding(category: $0, score: 0.9, rules: ["r"], evidence: [.text(start: 0, end: 2)])
            },
            severity: severity)
    }

    func raised(_ m: FlaggedMessage? = nil) throws -> Flag {
        try #require(chain.raise(m ?? message(), existing: nil, groupIsPrimarilyIllegal: false, now: t0).flag)
    }

    @Test(arguments: Severity.allCases)
    func ordinaryFlagGoesToTheOwnerWithADeadlineBySeverity(severity: Severity) throws {
        let decision = chain.raise(message(severity: severity), existing: nil, groupIsPrimarilyIllegal: false, now: t0)
        let flag = try #require(decision.flag)
        #expect(decision.outcome == .created)
        #expect(flag.status == .awaitingOwner)
        #expect(flag.deadline == t0.addingTimeInterval(chain.policy.ownerDeadlines[severity]!.seconds))
        #expect(decision.events.map(\.event.type) == ["flag.raised", "owner.notified"])
        guard case .ownerNotified(let notice) = decision.events[1].event else { Issue.record("no notice"); return }
        #expect(notice.expectedActions == ActionKind.ownerExempting)
        #expect(flag.flagID == FlagID.forMessage("m-1"))
    }

    @Test(
        arguments: [
            (EscalationReason.ownerIsSender, "u-1", "u-1", ["gambling"], false),
            (.noOwner, "u-7", nil, ["gambling"], false),
            (.severeCategory, "u-7", "u-1", ["violence_terror"], false),
            (.groupPrimarilyIllegal, "u-7", "u-1", ["obscene"], true),
        ] as [(EscalationReason, String, String?, [String], Bool)])
    func skipsTheOwnerForEachContractReason(
        reason: EscalationReason, sender: String, owner: String?, categories: [String], illegal: Bool
    ) throws {
        let decision = chain.raise(
            message(sender: sender, owner: owner, categories: categories), existing: nil,
            groupIsPrimarilyIllegal: illegal, now: t0)
        let flag = try #require(decision.flag)
        #expect(flag.status == .awaitingProvider)
        #expect(flag.route == .provider)
        #expect(flag.deadline == t0.addingTimeInterval(chain.policy.providerDeadline.seconds))
        #expect(decision.events.map(\.event.type) == ["flag.raised", "flag.escalated"])
        guard case .flagEscalated(let escalated) = decision.events[1].event else {
            Issue.record("no escalation"); return
        }
        #expect(escalated.reason == reason)
        #expect(escalated.level == .provider)
    }

    @Test func replayedMessageIsANoOp() throws {
        let flag = try raised()
        let again = chain.raise(
            message(), existing: flag, groupIsPrimarilyIllegal: false, now: t0.addingTimeInterval(5))
        #expect(again.changesLedger == false)
        #expect(again.events.isEmpty)
        #expect(again.flag == flag)
    }

    @Test(arguments: ActionKind.ownerExempting)
    func ownerActingInTimeResolves(action: ActionKind) throws {
        let flag = try raised()
        let act = AuthorizedAction(
            actionID: "a-1", actorID: "u-1", role: .owner, action: action, at: t0.addingTimeInterval(180))
        let decision = chain.apply(act, to: flag)
        let resolved = try #require(decision.flag)
        #expect(resolved.status == .resolved)
        #expect(resolved.deadline == nil)
        guard case .flagResolved(let data) = try #require(decision.events.first).event else { Issue.record(); return }
        #expect(data.timeToActionSeconds == 180)
        #expect(data.resolvedBy == .owner)
        #expect(chain.apply(act, to: resolved).changesLedger == false)
    }

    @Test func ownerDismissalIsRecordedButDoesNotDischarge() throws {
        let flag = try raised()
        let decision = chain.apply(
            AuthorizedAction(actionID: "a-1", actorID: "u-1", role: .owner, action: .dismiss, at: t0), to: flag)
        #expect(decision.flag?.status == .awaitingOwner)
        #expect(decision.flag?.history.last?.kind == .actionRecorded)
        #expect(decision.events.isEmpty)
    }

    @Test func ownerTimeoutEscalatesOnceThenProviderTimeoutReportsReportableContent() throws {
        let flag = try raised(message(categories: ["obscene"], severity: .high))
        let due = try #require(flag.deadline)
        #expect(chain.deadlineFired(flag, now: due.addingTimeInterval(-1)).changesLedger == false)
        let first = chain.deadlineFired(flag, now: due.addingTimeInterval(0.4))
        let escalated = try #require(first.flag)
        #expect(escalated.status == .awaitingProvider)
        #expect(escalated.deadline == due.addingTimeInterval(chain.policy.providerDeadline.seconds))
        guard case .flagEscalated(let data) = try #require(first.events.first).event else { Issue.record(); return }
        #expect(data.reason == .ownerTimeout)
        #expect(data.history.count == 3)
        // Firing the same (already handled) owner deadline again does nothing.
        #expect(chain.deadlineFired(escalated, now: due.addingTimeInterval(1)).changesLedger == false)
        let second = chain.deadlineFired(escalated, now: escalated.deadline!)
        #expect(second.flag?.status == .reportedToAuthority)
        #expect(second.flag?.deadline == nil)
        guard case .flagEscalated(let last) = try #require(second.events.first).event else { Issue.record(); return }
        #expect(last.level == .authority)
        #expect(last.reason == .providerTimeout)
        #expect(chain.deadlineFired(second.flag!, now: .distantFuture).changesLedger == false)
    }

    @Test func providerTimeoutOnNonReportableContentLeavesItOverdueWithTheProvider() throws {
        let flag = try raised(message(owner: nil))
        let decision = chain.deadlineFired(flag, now: flag.deadline!)
        #expect(decision.flag?.status == .providerOverdue)
        #expect(decision.flag?.level == .provider)
    }

    @Test func lateOwnerActionIsEvidenceButProviderStillHoldsIt() throws {
        let flag = try raised()
        let escalated = try #require(chain.deadlineFired(flag, now: flag.deadline!).flag)
        let late = chain.apply(
            AuthorizedAction(
                actionID: "a-2", actorID: "u-2", role: .admin, action: .deleteMessage,
                at: flag.deadline!.addingTimeInterval(60)),
            to: escalated)
        #expect(late.flag?.status == .awaitingProvider)
        let provider = chain.apply(
            AuthorizedAction(
                actionID: "a-3", actorID: "ops", role: .provider, action: .banUser,
                at: flag.deadline!.addingTimeInterval(120)),
            to: late.flag!)
        #expect(provider.flag?.status == .resolved)
        #expect(provider.flag?.resolution?.by == .provider)
        #expect(provider.flag?.resolution?.timeToActionSeconds == 120)
    }

    @Test func eventIDsAreDeterministicAndDistinct() throws {
        let a = chain.raise(message(), existing: nil, groupIsPrimarilyIllegal: false, now: t0)
        let b = chain.raise(message(), existing: nil, groupIsPrimarilyIllegal: false, now: t0)
        #expect(a.events.map(\.id) == b.events.map(\.id))
        #expect(Set(a.events.map(\.id)).count == a.events.count)
        let fired = chain.deadlineFired(a.flag!, now: .distantFuture)
        #expect(!Set(a.events.map(\.id)).contains(fired.events[0].id))
    }
}
