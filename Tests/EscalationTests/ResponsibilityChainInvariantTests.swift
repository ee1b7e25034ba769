import Foundation
import Testing

@testable import Escalation

/// Runs every short script of inputs (actions by each role, deadline firings, replays) through
/// the chain and checks the ledger invariants after each step: an open flag has exactly one live
/// deadline, a closed one none; no flag escalates twice for the same reason; event ids are unique.
@Suite struct ResponsibilityChainInvariantTests {
    enum Input: CaseIterable {
        case ownerActs, adminDismisses, providerActs, fireDeadline, fireEarly, replayLast
    }

    let chain = ResponsibilityChain()
    let t0 = ChainFixtures.t0

    /// All input sequences of length `length`.
    static func scripts(length: Int) -> [[Input]] {
        (0..<length).reduce([[]]) { partial, _ in partial.flatMap { script in Input.allCases.map { script + [$0] } } }
    }

    func run(_ script: [Input], from start: Flag) -> [Decision] {
        var flag = start
        var clock = t0
        var decisions: [Decision] = []
        var lastAction: AuthorizedAction?
        for (index, input) in script.enumerated() {
            clock = clock.addingTimeInterval(60)
            let decision: Decision
            switch input {
            case .ownerActs:
                let act = ChainFixtures.action("a-\(index)", at: clock)
                lastAction = act
                decision = chain.apply(act, to: flag)
            case .adminDismisses:
                let act = ChainFixtures.action("a-\(index)", by: "u-2", as: .admin, .dismiss, at: clock)
                lastAction = act
                decision = chain.apply(act, to: flag)
            case .providerActs:
                let act = ChainFixtures.action("a-\(index)", by: "ops", as: .provider, .deleteMessage, at: clock)
                lastAction = act
                decision = chain.apply(act, to: flag)
            case .fireDeadline:
                let due = flag.deadline ?? clock
                clock = max(clock, due)
                decision = chain.deadlineFired(flag, now: clock)
            case .fireEarly:
                decision = chain.deadlineFired(flag, now: (flag.deadline ?? clock).addingTimeInterval(-1))
            case .replayLast:
                decision = lastAction.map { chain.apply($0, to: flag) } ?? chain.deadlineFired(flag, now: t0)
            }
            decisions.append(decision)
            flag = decision.flag ?? flag
        }
        return decisions
    }

    @Test(arguments: [false, true])
    func invariantsHoldForEveryScriptOfFourInputs(ownerRouted: Bool) throws {
        let message = ChainFixtures.message(categories: ["obscene"], severity: .high)
        let raised = chain.raise(
            ownerRouted ? message : ChainFixtures.message(owner: nil, categories: ["obscene"]), existing: nil,
            groupIsPrimarilyIllegal: false, now: t0)
        let start = try #require(raised.flag)
        for script in Self.scripts(length: 4) {
            let decisions = run(script, from: start)
            var seenIDs = Set(raised.events.map(\.id))
            var version = start.version
            for decision in decisions {
                let flag = try #require(decision.flag)
                #expect(flag.status.isOpen == (flag.deadline != nil), "\(script): deadline iff open")
                #expect((flag.status == .resolved) == (flag.resolution != nil), "\(script): resolution iff resolved")
                let reasons = flag.history.compactMap(\.reason)
                #expect(reasons.count == Set(reasons).count, "\(script): escalated twice for one reason")
                #expect(flag.history.filter { $0.kind == .resolved }.count <= 1, "\(script): resolved twice")
                #expect(flag.version == version + (decision.changesLedger ? 1 : 0), "\(script): version")
                version = flag.version
                for event in decision.events {
                    #expect(seenIDs.insert(event.id).inserted, "\(script): duplicate event id \(event.id)")
                }
                #expect(decision.changesLedger || decision.events.isEmpty, "\(script): events without a change")
            }
        }
    }

    @Test func replayingAWholeScriptFromTheSameStartGivesTheSameDecisions() throws {
        let start = try #require(
            chain.raise(ChainFixtures.message(), existing: nil, groupIsPrimarilyIllegal: false, now: t0).flag)
        for script in Self.scripts(length: 3) {
            #expect(run(script, from: start) == run(script, from: start))
        }
    }
}
