/// Runs the examples written in a pack against a classifier built from it: every rule's `flag`
/// messages must be flagged in its category with the rule contributing, its `pass` messages must
/// not be flagged in that category; allow-lists' `pass` messages must not be flagged in their
/// categories (any category when they list none) and their `flag` messages must be.
public enum RulePackExamples {
    /// One example that did not behave as written, located at its rule.
    public static func failures(of pack: RulePack, using classifier: some Classifier) -> [RulePackProblem] {
        var problems: [RulePackProblem] = []
        func check(
            _ id: String, _ location: SourceLocation?, _ categories: [String], _ examples: RuleExamples,
            mustContribute: Bool
        ) {
            let at = location ?? SourceLocation(file: "<pack \(pack.id)>", line: 1)
            for message in examples.flag {
                let relevant = classifier.classify(message).categories.filter {
                    categories.isEmpty || categories.contains($0.category)
                }
                if relevant.isEmpty || (mustContribute && !relevant.contains { $0.rules.contains(id) }) {
                    problems.append(.init(location: at, ruleID: id, message: "example not flagged: \(message)"))
                }
            }
            for message in examples.pass {
                let flagged = classifier.classify(message).categories.filter {
                    categories.isEmpty || categories.contains($0.category)
                }
                if let first = flagged.first {
                    problems.append(
                        .init(
                            location: at, ruleID: id,
                            message:
                                "pass example flagged as \(first.category) by \(first.rules.joined(separator: ",")): \(message)"
                        ))
                }
            }
        }
        for r in pack.rules {
            guard let category = r.category else { continue }
            check(r.id, r.location, [category], r.examples, mustContribute: true)
        }
        for c in pack.cooccurrences { check(c.id, c.location, [c.category], c.examples, mustContribute: true) }
        for a in pack.allows { check(a.id, a.location, a.categories, a.examples, mustContribute: false) }
        return problems
    }
}
