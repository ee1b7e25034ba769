import Testing

@testable import Classification

/// Runs every example written in rules/default.yaml: each rule's `flag` messages must be flagged
/// in its category with the rule contributing; its `pass` messages must not be flagged there.
@Suite struct DefaultPackExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var ruleID: String
        /// Categories the verdict is checked against; empty means any.
        var categories: [String]
        var message: String
        var mustFlag: Bool
        /// Whether the rule id itself must be listed (rules and co-occurrence rules).
        var ruleMustContribute: Bool
        var testDescription: String { "\(ruleID) \(mustFlag ? "flags" : "passes") \(message)" }
    }

    static let cases: [Case] = {
        let pack = TestSupport.defaultPack
        var out: [Case] = []
        for r in pack.rules {
            guard let category = r.category else { continue }
            out += r.examples.flag.map {
                .init(ruleID: r.id, categories: [category], message: $0, mustFlag: true, ruleMustContribute: true)
            }
            out += r.examples.pass.map {
                .init(ruleID: r.id, categories: [category], message: $0, mustFlag: false, ruleMustContribute: false)
            }
        }
        for c in pack.cooccurrences {
            out += c.examples.flag.map {
                .init(ruleID: c.id, categories: [c.category], message: $0, mustFlag: true, ruleMustContribute: true)
            }
            out += c.examples.pass.map {
                .init(ruleID: c.id, categories: [c.category], message: $0, mustFlag: false, ruleMustContribute: false)
            }
        }
        for a in pack.allows {
            out += a.examples.flag.map {
                .init(ruleID: a.id, categories: a.categories, message: $0, mustFlag: true, ruleMustContribute: false)
            }
            out += a.examples.pass.map {
                .init(ruleID: a.id, categories: a.categories, message: $0, mustFlag: false, ruleMustContribute: false)
            }
        }
        return out
    }()

    @Test func everyRuleAndCategoryHasFlagAndPassExamples() {
        let pack = TestSupport.defaultPack
        for r in pack.rules where r.category != nil {
            #expect(!r.examples.flag.isEmpty, "\(r.id) has no flag example")
            #expect(!r.examples.pass.isEmpty, "\(r.id) has no pass example")
        }
        for c in pack.cooccurrences {
            #expect(!c.examples.flag.isEmpty && !c.examples.pass.isEmpty, "\(c.id) lacks examples")
        }
        let contract = [
            "obscene", "violence_terror", "rumor", "fraud", "pyramid_selling", "gambling", "rights_infringement",
            "personal_info",
        ]
        let covered = Set(pack.rules.compactMap(\.category))
        for id in contract { #expect(covered.contains(id), "no rule for \(id)") }
    }

    @Test(arguments: cases)
    func exampleBehavesAsWritten(_ c: Case) {
        let verdict = TestSupport.defaultClassifier.classify(c.message)
        let relevant = verdict.categories.filter { c.categories.isEmpty || c.categories.contains($0.category) }
        if c.mustFlag {
            #expect(!relevant.isEmpty, "not flagged: \(verdict)")
            if c.ruleMustContribute {
                #expect(relevant.contains { $0.rules.contains(c.ruleID) }, "rule did not contribute: \(verdict)")
            }
        } else {
            #expect(relevant.isEmpty, "flagged: \(verdict)")
        }
    }
}
