import Classification
import Foundation
import Testing

@testable import Warden

/// The demo's texts agree with the default rule pack, so the demo's ground truth (which
/// messages should be flagged) is what the pipeline really flags.
@Suite struct DemoTextsRulePackTests {
    static let classifier: RuleClassifier? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return try? RuleClassifier(ruleFiles: [root.appendingPathComponent("rules/default.yaml").path])
    }()

    @Test func everyViolationIsFlaggedInItsCategory() throws {
        let classifier = try #require(Self.classifier)
        for (category, text) in DemoTexts.violations {
            let verdict = classifier.classify(text: text, attachments: [])
            #expect(verdict.categories.map(\.category).contains(category), "\(category): \(text)")
        }
    }

    @Test func everyObsceneChannelTextIsFlaggedObscene() throws {
        let classifier = try #require(Self.classifier)
        for text in DemoTexts.obsceneChannel {
            let verdict = classifier.classify(text: text, attachments: [])
            #expect(verdict.categories.map(\.category).contains("obscene"), "\(text)")
        }
    }

    @Test func cleanChatterIsNotFlagged() throws {
        let classifier = try #require(Self.classifier)
        for text in DemoTexts.clean {
            #expect(!classifier.classify(text: text, attachments: []).isFlagged, "\(text)")
        }
    }
}
