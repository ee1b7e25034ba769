import Testing

@testable import Classification

@Suite struct RuleClassifierTests {
    private func classifier(_ rules: String) throws -> RuleClassifier {
        let yaml = """
            pack: {id: t, version: "1"}
            categories:
              fraud: {severity: high, threshold: 0.5}
              gambling: {severity: medium, threshold: 0.5}
              drugs: {severity: critical, threshold: 0.5}
            \(rules)
            """
        let loader = RulePackLoader()
        let pack = try loader.parse(yaml: yaml, file: "t.yaml")
        try loader.validate(pack)
        return try RuleClassifier(pack: pack)
    }

    @Test func reportsEvidenceAsOriginalCodePointOffsets() throws {
        let c = try classifier("rules:\n  - {id: g, category: gambling, terms: [赌博]}\n")
        let v = c.classify("😀 来 賭.博 吧")
        #expect(v["gambling"]?.evidence == [.text(start: 4, end: 7)])
        #expect(v["gambling"]?.rules == ["g"])
        #expect(v.severity == .medium)
        #expect(v.packVersion == "t@1")
    }

    @Test func cleanTextHasNoCategoriesAndNoSeverity() throws {
        let c = try classifier("rules:\n  - {id: g, category: gambling, terms: [赌博]}\n")
        let v = c.classify("今天天气不错")
        #expect(!v.isFlagged)
        #expect(v.severity == nil)
        #expect(c.classify(text: nil, attachments: []).categories.isEmpty)
    }

    @Test func regexEvidenceStartsAtTheLeftmostMatch() throws {
        let c = try classifier("rules:\n  - {id: f, category: fraud, regexes: ['刷单.{0,4}日结']}\n")
        #expect(c.classify("ab刷单，日结").categories.first?.evidence == [.text(start: 2, end: 7)])
    }

    @Test func combinesWeightsAndAppliesThresholds() throws {
        let c = try classifier(
            "rules:\n  - {id: a, category: fraud, weight: 0.3, terms: [保证金]}\n  - {id: b, category: fraud, weight: 0.3, terms: [解冻]}\n"
        )
        #expect(!c.classify("交保证金").isFlagged)
        let v = c.classify("交保证金解冻")
        #expect(abs((v["fraud"]?.score ?? 0) - 0.51) < 1e-9)
        #expect(v["fraud"]?.rules == ["a", "b"])
    }

    @Test func cooccurrenceFiresOnlyWhenAllSignalsMatch() throws {
        let c = try classifier(
            """
            signals:
              - {id: s.contact, terms: [加微信]}
              - {id: s.profit, terms: [稳赚]}
            cooccurrence:
              - {id: f.combo, category: fraud, weight: 0.9, all: [s.contact, s.profit]}
            """)
        #expect(!c.classify("加微信").isFlagged)
        #expect(!c.classify("稳赚").isFlagged)
        let v = c.classify("加微信稳赚")
        #expect(v["fraud"]?.rules == ["f.combo"])
        #expect(v["fraud"]?.evidence == [.text(start: 0, end: 3), .text(start: 3, end: 5)])
    }

    @Test func spanAllowCancelsOnlyOverlappingMatches() throws {
        let c = try classifier(
            """
            rules:
              - {id: f, category: fraud, terms: [诈骗]}
            allow:
              - {id: a, categories: [fraud], phrases: [反诈骗宣传]}
            """)
        #expect(!c.classify("参加反诈骗宣传").isFlagged)
        #expect(c.classify("参加反诈骗宣传，他在诈骗").isFlagged)
    }

    @Test func messageAllowCancelsItsCategoriesOnly() throws {
        let c = try classifier(
            """
            rules:
              - {id: d, category: drugs, terms: [冰毒]}
              - {id: g, category: gambling, terms: [赌博]}
            allow:
              - {id: a, categories: [drugs], scope: message, phrases: [禁毒宣传]}
            """)
        let v = c.classify("禁毒宣传：冰毒危害大，赌博也不行")
        #expect(v["drugs"] == nil)
        #expect(v["gambling"] != nil)
    }

    @Test func pinyinVariantsAreOptInPerTerm() throws {
        let c = try classifier(
            "rules:\n  - id: g\n    category: gambling\n    terms: [{text: 赌博, pinyin: [full, initials]}, 网赌]\n")
        #expect(c.classify("来dubo吧").isFlagged)
        #expect(c.classify("DB 走起").isFlagged)
        #expect(!c.classify("mongodb 挂了").isFlagged)
        #expect(!c.classify("wangdu").isFlagged)
    }

    @Test func attachmentNamesAndLinksAreEvidenceByIndex() throws {
        let c = try classifier("rules:\n  - {id: g, category: gambling, terms: [赌博]}\n")
        let v = c.classify(
            text: "看看这个",
            attachments: [.init(kind: "image", name: "猫.jpg"), .init(kind: "file", name: "赌博教程.zip")])
        #expect(v["gambling"]?.evidence == [.attachment(index: 1)])
    }

    @Test func severityIsTheWorstOfFlaggedCategoriesAndRules() throws {
        let c = try classifier(
            "rules:\n  - {id: g, category: gambling, severity: critical, terms: [赌博]}\n  - {id: f, category: fraud, terms: [刷单]}\n"
        )
        #expect(c.classify("刷单").severity == .high)
        #expect(c.classify("刷单赌博").severity == .critical)
    }

    @Test func replacingAPackSwapsAtomicallyAndABadPackKeepsTheOld() throws {
        let c = try classifier("rules:\n  - {id: g, category: gambling, terms: [赌博]}\n")
        let loader = RulePackLoader()
        let next = try loader.parse(
            yaml:
                "pack: {id: t, version: '2'}\ncategories:\n  fraud: {}\nrules:\n  - {id: f, category: fraud, terms: [刷单]}\n",
            file: "n.yaml")
        try c.replace(with: next)
        #expect(c.packVersion == "t@2")
        #expect(c.classify("刷单")["fraud"] != nil)
        #expect(!c.classify("赌博").isFlagged)
        var broken = next
        broken.rules[0].regexes = [.init("(unclosed")]
        #expect(throws: RulePackError.self) { try c.replace(with: broken) }
        #expect(c.packVersion == "t@2")
        #expect(c.classify("刷单")["fraud"] != nil)
    }

    @Test func classifiesConcurrentlyFromManyTasks() async throws {
        let c = TestSupport.defaultClassifier
        let messages = ["今晚来网赌，稳赢", "今天天气不错", "加微信，带你稳赚不赔", "出售手枪，价格私聊"]
        let expected = messages.map { c.classify($0) }
        let results = await withTaskGroup(of: (Int, Verdict).self) { group in
            for i in 0..<400 {
                group.addTask { (i % messages.count, c.classify(messages[i % messages.count])) }
            }
            var out: [(Int, Verdict)] = []
            for await r in group { out.append(r) }
            return out
        }
        #expect(results.count == 400)
        for (i, v) in results { #expect(v == expected[i]) }
    }
}

@Suite struct RuleClassifierSqueezeTests {
    @Test func interiorRepeatsAreSqueezedAndDoubledTermsStillMatch() throws {
        let loader = RulePackLoader()
        let pack = try loader.parse(
            yaml:
                "pack: {id: t, version: '1'}\ncategories:\n  fraud: {}\nrules:\n  - {id: r, category: fraud, terms: [哈哈大笑, 赌博网站]}\n",
            file: "t.yaml")
        let c = try RuleClassifier(pack: pack)
        #expect(c.classify("哈哈大笑").isFlagged)
        #expect(c.classify("赌博博博网站").isFlagged)
        #expect(c.classify("赌博博博网站")["fraud"]?.evidence == [.text(start: 0, end: 6)])
    }
}
