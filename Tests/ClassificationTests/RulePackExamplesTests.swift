import Testing

@testable import Classification

@Suite struct RulePackExamplesTests {
    @Test func theDefaultPackPassesAllItsExamples() {
        let failures = RulePackExamples.failures(of: TestSupport.defaultPack, using: TestSupport.defaultClassifier)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func reportsExamplesThatDoNotBehaveWithTheRuleLocation() throws {
        let yaml = """
            pack: {id: t, version: "1"}
            categories:
              fraud: {}
            rules:
              - id: f
                category: fraud
                terms: [刷单]
                examples: {flag: [你好], pass: [刷单赚钱]}
            """
        let pack = try RulePackLoader().parse(yaml: yaml, file: "t.yaml")
        let failures = RulePackExamples.failures(of: pack, using: try RuleClassifier(pack: pack))
        #expect(failures.count == 2)
        #expect(failures.allSatisfy { $0.ruleID == "f" && $0.location.line == 5 })
    }
}
