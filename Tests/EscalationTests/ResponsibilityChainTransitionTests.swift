import Foundation
import Testing

@testable import Escalation

/// Every transition of the chain not covered by `ResponsibilityChainTests`: precedence of the
/// skip-the-owner reasons, admins, provider actions at each level, replays and no-ops.
@Suite struct ResponsibilityChainTransitionTests {
    let chain = ResponsibilityChain()
    let t0 = ChainFixtures.t0

    func raise(_ message: FlaggedMessage = ChainFixtures.message(), illegal: Bool = false) throws -> Flag {
        try #require(chain.raise(message, existing: nil, groupIsPrimarilyIllegal: illegal, now: t0).flag)
    }

    @Test(
        arguments: [
            // No owner wins over everything, then owner-is-sender, then severe category, then the group.
            (nil, "u-7", ["violence_terror"], true, EscalationReason.noOwner),
            ("u-1", "u-1", ["violence_terror"], true, .ownerIsSender),
            ("u-1", "u-7", ["violence_terror"], true, .severeCategory),
            ("u-1", "u-7", ["gambling", "violence_terror"], false, .severeCategory),
            ("u-1", "u-7", ["gambling"], true, .groupPrimarilyIllegal),
        ] as [(String?, String, [String], Bool, EscalationReason)])
    func skipReasonsFollowTheContractsPrecedence(
        owner: String?, sender: String, categories: [String], illegal: Bool, expected: EscalationReason
    ) {
        let message = ChainFixtures.message(sender: sender, owner: owner, categories: categories)
        #expect(chain.providerReason(for: message, groupIsPrimarilyIllegal: illegal) == expected)
    }

    @Test func anAdminSendingIsStillTheOwnersToHandle() throws {
        let flag = try raise(ChainFixtures.message(sender: "u-2"))
        #expect(flag.status == .awaitingOwner)
        #expect(flag.route == .owner)
    }

    @Test func providerRoutedFlagCarriesNoOwnerDeadlineAndNoNotice() throws {
        let decision = chain.raise(
            ChainFixtures.message(owner: nil), existing: nil, groupIsPrimarilyIllegal: false, now: t0)
        guard case .flagRaised(let data) = try #require(decision.events.first).event else {
            Issue.record("first event is not flag.raised")
            return
        }
        #expect(data.route == .provider)
        #expect(data.ownerDeadline == nil)
        #expect(data.ownerID == nil)
        #expect(!decision.events.contains { $0.event.type == "owner.notified" })
        let flag = try #require(decision.flag)
        #expect(flag.level == .provider)
        #expect(flag.history.map(\.kind) == [.raised, .escalated])
        #expect(flag.history.last?.deadline == flag.deadline)
    }

    @Test func ownerRoutedFlagAnnouncesTheSameDeadlineEverywhere() throws {
        let decision = chain.raise(
            ChainFixtures.message(severity: .critical), existing: nil, groupIsPrimarilyIllegal: false, now: t0)
        let flag = try #require(decision.flag)
        let expected = t0.addingTimeInterval(15 * 60)
        #expect(flag.deadline == expected)
        guard case .flagRaised(let raised) = decision.events[0].event,
            case .ownerNotified(let notice) = decision.events[1].event
        else {
            Issue.record("unexpected events \(decision.events.map(\.event.type))")
            return
        }
        #expect(raised.ownerDeadline == expected)
        #expect(notice.deadline == expected)
        #expect(notice.ownerID == "u-1")
        #expect(notice.senderID == "u-7")
        #expect(notice.categories.map(\.category) == ["gambling"])
        #expect(decision.events.allSatisfy { $0.time == t0 && $0.event.groupID == "g-1" })
    }

    @Test func adminActingInTimeResolvesAsAdmin() throws {
        let flag = try raise()
        let decision = chain.apply(
            ChainFixtures.action("a-1", by: "u-2", as: .admin, .removeMember, at: t0.addingTimeInterval(42)),
            to: flag)
        #expect(decision.flag?.status == .resolved)
        #expect(decision.flag?.resolution?.by == .admin)
        #expect(decision.flag?.resolution?.actorID == "u-2")
        guard case .flagResolved(let data) = try #require(decision.events.first).event else {
            Issue.record("no flag.resolved")
            return
        }
        #expect(data.resolvedBy == .admin)
        #expect(data.action == .removeMember)
        #expect(data.actionID == "a-1")
        #expect(data.timeToActionSeconds == 42)
    }

    @Test func anOwnerActionExactlyAtTheDeadlineStillCounts() throws {
        let flag = try raise()
        let due = try #require(flag.deadline)
        #expect(chain.apply(ChainFixtures.action("a-1", at: due), to: flag).flag?.status == .resolved)
        let late = chain.apply(ChainFixtures.action("a-2", at: due.addingTimeInterval(1)), to: flag)
        #expect(late.flag?.status == .awaitingOwner)
        #expect(late.flag?.history.last?.kind == .actionRecorded)
        #expect(late.events.isEmpty)
    }

    @Test func aLateOwnerActionBeforeTheSchedulerFiresDoesNotPreventEscalation() throws {
        let flag = try raise()
        let due = try #require(flag.deadline)
        let recorded = try #require(
            chain.apply(ChainFixtures.action("a-1", at: due.addingTimeInterval(5)), to: flag).flag)
        let fired = chain.deadlineFired(recorded, now: due.addingTimeInterval(30))
        #expect(fired.flag?.status == .awaitingProvider)
        guard case .flagEscalated(let data) = try #require(fired.events.first).event else {
            Issue.record("no flag.escalated")
            return
        }
        #expect(data.reason == .ownerTimeout)
        // The escalation is dated at the deadline, not when the scheduler noticed.
        #expect(fired.events.first?.time == due)
        #expect(data.history.map(\.step) == ["raised", "owner_notified", "action_recorded", "escalated"])
    }

    @Test func dismissalThenAnExemptingActionStillResolves() throws {
        let flag = try raise()
        let dismissed = try #require(
            chain.apply(ChainFixtures.action("a-1", .dismiss, at: t0.addingTimeInterval(10)), to: flag).flag)
        let decision = chain.apply(
            ChainFixtures.action("a-2", .warnMember, at: t0.addingTimeInterval(20)), to: dismissed)
        #expect(decision.flag?.status == .resolved)
        #expect(decision.flag?.resolution?.actionID == "a-2")
    }

    @Test(arguments: [ActionKind.banUser, .suspendGroup, .closeGroup, .dismiss])
    func ownerActionsOutsideTheExemptingSetAreOnlyRecorded(kind: ActionKind) throws {
        let flag = try raise()
        let decision = chain.apply(ChainFixtures.action("a-1", kind, at: t0.addingTimeInterval(1)), to: flag)
        #expect(decision.flag?.status == .awaitingOwner)
        #expect(decision.flag?.deadline == flag.deadline)
        #expect(decision.flag?.history.last?.action == kind)
        #expect(decision.changesLedger)
        #expect(decision.events.isEmpty)
    }

    @Test func ownerCannotDischargeAFlagThatSkippedThem() throws {
        let flag = try raise(ChainFixtures.message(sender: "u-1"))
        let decision = chain.apply(ChainFixtures.action("a-1", at: t0.addingTimeInterval(1)), to: flag)
        #expect(decision.flag?.status == .awaitingProvider)
        #expect(decision.events.isEmpty)
    }

    @Test func providerMayResolveWhileTheOwnerStillHoldsIt() throws {
        let flag = try raise()
        let decision = chain.apply(
            ChainFixtures.action("a-1", by: "ops", as: .provider, .dismiss, at: t0.addingTimeInterval(300)), to: flag)
        #expect(decision.flag?.status == .resolved)
        #expect(decision.flag?.resolution?.by == .provider)
        #expect(decision.flag?.resolution?.timeToActionSeconds == 300)
    }

    @Test(arguments: [["obscene"], ["gambling"]])
    func providerMayStillResolveAfterItsOwnDeadline(categories: [String]) throws {
        let flag = try raise(ChainFixtures.message(owner: nil, categories: categories))
        let due = try #require(flag.deadline)
        let overdue = try #require(chain.deadlineFired(flag, now: due).flag)
        #expect(overdue.status == (categories == ["obscene"] ? .reportedToAuthority : .providerOverdue))
        let decision = chain.apply(
            ChainFixtures.action("a-1", by: "ops", as: .provider, .deleteMessage, at: due.addingTimeInterval(60)),
            to: overdue)
        #expect(decision.flag?.status == .resolved)
        #expect(decision.flag?.deadline == nil)
        // Measured from the latest escalation (the provider timeout at `due`).
        #expect(decision.flag?.resolution?.timeToActionSeconds == 60)
    }

    @Test func replayedRecordedActionIsANoOp() throws {
        let flag = try raise()
        let act = ChainFixtures.action("a-1", .dismiss, at: t0.addingTimeInterval(1))
        let once = try #require(chain.apply(act, to: flag).flag)
        let twice = chain.apply(act, to: once)
        #expect(twice.changesLedger == false)
        #expect(twice.flag == once)
    }

    @Test func aNewActionOnAResolvedFlagChangesNothing() throws {
        let flag = try raise()
        let resolved = try #require(chain.apply(ChainFixtures.action("a-1", at: t0), to: flag).flag)
        let other = chain.apply(
            ChainFixtures.action("a-2", by: "ops", as: .provider, .banUser, at: t0.addingTimeInterval(1)), to: resolved)
        #expect(other.changesLedger == false)
        #expect(other.events.isEmpty)
        #expect(chain.deadlineFired(resolved, now: .distantFuture).changesLedger == false)
    }

    @Test func everyChangeBumpsTheVersionAndNoOpsDoNot() throws {
        let flag = try raise()
        #expect(flag.version == 1)
        let recorded = try #require(chain.apply(ChainFixtures.action("a-1", .dismiss, at: t0), to: flag).flag)
        #expect(recorded.version == 2)
        let escalated = try #require(chain.deadlineFired(recorded, now: recorded.deadline!).flag)
        #expect(escalated.version == 3)
        #expect(chain.deadlineFired(escalated, now: t0).flag?.version == 3)
        let closed = try #require(chain.deadlineFired(escalated, now: escalated.deadline!).flag)
        #expect(closed.version == 4)
    }

    @Test func aConfiguredPolicyDrivesEveryDeadline() throws {
        let policy = EscalationPolicy(
            ownerDeadlines: [.low: .seconds(40), .medium: .seconds(30), .high: .seconds(20), .critical: .seconds(10)],
            providerDeadline: .seconds(90), severeCategories: ["fraud"], reportableCategories: ["gambling"])
        let chain = ResponsibilityChain(policy: policy)
        for (severity, seconds) in [(Severity.low, 40.0), (.medium, 30), (.high, 20), (.critical, 10)] {
            let flag = chain.raise(
                ChainFixtures.message(severity: severity), existing: nil, groupIsPrimarilyIllegal: false, now: t0
            ).flag
            #expect(flag?.deadline == t0.addingTimeInterval(seconds))
        }
        let severe = try #require(
            chain.raise(
                ChainFixtures.message(categories: ["fraud"]), existing: nil, groupIsPrimarilyIllegal: false, now: t0
            ).flag)
        #expect(severe.status == .awaitingProvider)
        #expect(severe.deadline == t0.addingTimeInterval(90))
        // `violence_terror` is no longer severe under this policy.
        let ordinary = chain.raise(
            ChainFixtures.message(categories: ["violence_terror"]), existing: nil, groupIsPrimarilyIllegal: false,
            now: t0)
        #expect(ordinary.flag?.status == .awaitingOwner)
        // `gambling` is reportable under this policy.
        let owned = try #require(
            chain.raise(ChainFixtures.message(), existing: nil, groupIsPrimarilyIllegal: false, now: t0).flag)
        let atProvider = try #require(chain.deadlineFired(owned, now: owned.deadline!).flag)
        #expect(atProvider.deadline == owned.deadline!.addingTimeInterval(90))
        #expect(chain.deadlineFired(atProvider, now: atProvider.deadline!).flag?.status == .reportedToAuthority)
    }

    @Test func aSeverityMissingFromThePolicyFallsBackToOneHour() throws {
        let chain = ResponsibilityChain(policy: EscalationPolicy(ownerDeadlines: [:]))
        let flag = chain.raise(ChainFixtures.message(), existing: nil, groupIsPrimarilyIllegal: false, now: t0).flag
        #expect(flag?.deadline == t0.addingTimeInterval(3600))
    }

    @Test func escalationEventsCarryTheWholeTimedHistory() throws {
        let flag = try raise(ChainFixtures.message(categories: ["obscene"]))
        let due = try #require(flag.deadline)
        let first = try #require(chain.deadlineFired(flag, now: due).flag)
        let second = chain.deadlineFired(first, now: first.deadline!)
        guard case .flagEscalated(let data) = try #require(second.events.first).event else {
            Issue.record("no flag.escalated")
            return
        }
        #expect(data.history.map(\.at) == [t0, t0, due, first.deadline!])
        #expect(data.history.map(\.level) == [.owner, .owner, .provider, .authority])
        #expect(data.history.map(\.reason) == [nil, nil, .ownerTimeout, .providerTimeout])
        #expect(data.deadline == nil)
        #expect(data.categories == ["obscene"])
        #expect(second.events.first?.id == "\(flag.flagID):flag.escalated:3")
    }
}
