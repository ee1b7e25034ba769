import Testing

@testable import Classification

/// Media-hash matches and extracted items folded into verdicts (through fakes of the seams the
/// MediaHash and Extraction components implement).
@Suite struct ContentSignalsTests {
    struct FakeBank: AttachmentMatcher {
        func matches(for attachments: [MessageAttachment]) -> [AttachmentMatch] {
            attachments.enumerated().compactMap { i, a in
                switch a.md5 {
                case "bad-obscene":
                    return AttachmentMatch(attachmentIndex: i, category: "obscene", ruleID: "media.md5.x", score: 1)
                case "bad-other":
                    return AttachmentMatch(attachmentIndex: i, category: "csam", ruleID: "media.pdq.y", score: 0.8)
                default: return nil
                }
            }
        }
    }

    /// Finds "wx:" followed by ASCII letters as a WeChat id.
    struct FakeExtractor: TextExtractor {
        func extract(from text: String) -> [ExtractedItem] {
            let scalars = Array(text.unicodeScalars)
            guard
                let i = (0..<max(scalars.count - 2, 0)).first(where: {
                    String(String.UnicodeScalarView(scalars[$0..<$0 + 3])) == "wx:"
                })
            else { return [] }
            var end = i + 3
            while end < scalars.count, scalars[end].properties.isAlphabetic, scalars[end].isASCII { end += 1 }
            return [ExtractedItem(kind: "wechat", start: i, end: end)]
        }
    }

    private func classifier() throws -> RuleClassifier {
        let yaml = """
            pack: {id: t, version: "1"}
            categories:
              fraud: {severity: high}
              obscene: {severity: medium}
            signals:
              - {id: s.profit, terms: [稳赚]}
            cooccurrence:
              - {id: f.wechat_profit, category: fraud, weight: 0.9, all: [extracted.wechat, s.profit]}
            """
        let loader = RulePackLoader()
        let pack = try loader.parse(yaml: yaml, file: "t.yaml")
        try loader.validate(pack)
        return try RuleClassifier(pack: pack, attachmentMatcher: FakeBank(), extractor: FakeExtractor())
    }

    @Test func mediaMatchesFlagTheirCategoryWithAttachmentEvidence() throws {
        let v = try classifier().classify(
            text: "看图", attachments: [.init(kind: "image", md5: "fine"), .init(kind: "image", md5: "bad-obscene")])
        #expect(
            v["obscene"]
                == CategoryVerdict(
                    category: "obscene", score: 1, rules: ["media.md5.x"], evidence: [.attachment(index: 1)]))
        #expect(v.severity == .medium)
    }

    @Test func mediaMatchesInCategoriesOutsideThePackStillFlag() throws {
        let v = try classifier().classify(text: nil, attachments: [.init(kind: "image", md5: "bad-other")])
        #expect(v["csam"]?.rules == ["media.pdq.y"])
        #expect(v.severity == .high)
    }

    @Test func extractedItemsFeedCooccurrenceRules() throws {
        let c = try classifier()
        #expect(!c.classify("wx:abc 你好").isFlagged)
        #expect(!c.classify("稳赚").isFlagged)
        let v = c.classify("wx:abc 稳赚")
        #expect(v["fraud"]?.rules == ["f.wechat_profit"])
        #expect(v["fraud"]?.evidence == [.text(start: 0, end: 6), .text(start: 7, end: 9)])
    }
}
