import Testing

@testable import Classification

@Suite struct RulePackLoaderTests {
    let loader = RulePackLoader()

    private func problems(_ yaml: String) -> [RulePackProblem] {
        do {
            let pack = try loader.parse(yaml: yaml, file: "t.yaml")
            try loader.validate(pack)
            return []
        } catch {
            return error.problems
        }
    }

    private let header = """
        pack: {id: t, version: "1"}
        categories:
          fraud: {name: 诈骗, severity: high, threshold: 0.5}

        """

    @Test func loadsTheDefaultPackWithEveryContractCategory() throws {
        let pack = try loader.load(files: [TestSupport.defaultPackPath])
        #expect(pack.packVersion == "groupwarden-default@2026.11.22")
        let ids = Set(pack.categories.map(\.id))
        for id in [
            "obscene", "violence_terror", "rumor", "fraud", "pyramid_selling", "gambling", "rights_infringement",
            "personal_info",
        ] {
            #expect(ids.contains(id))
        }
    }

    @Test func reportsYamlSyntaxErrorsWithTheirLine() {
        let found = problems(header + "rules:\n  - id: a\n    terms: [x, y\n")
        #expect(found.count == 1)
        #expect(found.first?.location.file == "t.yaml")
        #expect((found.first?.location.line ?? 0) >= 6)
    }

    @Test func reportsUnknownCategoryWithLineAndRuleID() {
        let found = problems(header + "rules:\n  - id: r1\n    category: nope\n    terms: [诈骗]\n")
        #expect(found.map(\.ruleID) == ["r1"])
        #expect(found.first?.location.line == 5)
        #expect(found.first?.message.contains("unknown category 'nope'") == true)
    }

    @Test func reportsBadRegexAtTheRegexLine() {
        let yaml = header + "rules:\n  - id: r1\n    category: fraud\n    regexes:\n      - 'ok'\n      - '(unclosed'\n"
        let found = problems(yaml)
        #expect(found.count == 1)
        #expect(found.first?.location.line == 9)
        #expect(found.first?.ruleID == "r1")
        #expect(found.first?.message.hasPrefix("bad regex") == true)
    }

    @Test func reportsDuplicateIdsUnknownKeysAndBadWeights() {
        let yaml =
            header
                + """
                rules:
                  - id: r1
                    category: fraud
                    weight: 2
                    terms: [a]
                  - id: r2
                    category: fraud
                    colour: red
                    terms: [b]
                """
        let messages = problems(yaml).map(\.message)
        #expect(messages.contains { $0.contains("between 0 and 1") })
        #expect(messages.contains("unknown key 'colour'"))
        let duplicate =
            header + "rules:\n  - {id: r1, category: fraud, terms: [a]}\n  - {id: r1, category: fraud, terms: [b]}\n"
        let found = problems(duplicate)
        #expect(found.map(\.message) == ["duplicate id"])
        #expect(found.first?.location.line == 6)
    }

    @Test func reportsTermsThatNormaliseToNothingAndUnknownPinyin() {
        let yaml = header + "rules:\n  - id: r1\n    category: fraud\n    terms: ['。。', {text: 𠀀, pinyin: full}]\n"
        let messages = problems(yaml).map(\.message)
        #expect(messages.contains { $0.contains("empty after normalisation") })
        #expect(messages.contains { $0.contains("no pinyin known") })
    }

    @Test func reportsCooccurrenceReferencesThatDoNotExist() {
        let yaml = header + "cooccurrence:\n  - id: c1\n    category: fraud\n    all: [s1, s2]\n"
        let found = problems(yaml)
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.ruleID == "c1" && $0.location.line == 5 })
    }

    @Test func mergesSeveralFilesAndRejectsRepeatedIds() throws {
        let a = try TestSupport.temporaryFile(header + "rules:\n  - {id: r1, category: fraud, terms: [刷单]}\n")
        let b = try TestSupport.temporaryFile(
            "pack: {id: extra, version: '2'}\ncategories:\n  spam: {threshold: 0.5}\nrules:\n  - {id: r2, category: spam, terms: [广告]}\n"
        )
        let pack = try loader.load(files: [a.path, b.path])
        #expect(pack.packVersion == "t+extra@1+2")
        #expect(pack.rules.map(\.id) == ["r1", "r2"])
        #expect(throws: RulePackError.self) { try loader.load(files: [a.path, a.path]) }
    }

    @Test func unreadableFileIsReported() {
        #expect(throws: RulePackError.self) { try loader.load(files: ["/nonexistent/pack.yaml"]) }
    }
}
