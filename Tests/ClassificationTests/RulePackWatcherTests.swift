import Foundation
import Logging
import Testing

@testable import Classification

@Suite struct RulePackWatcherTests {
    private func pack(version: String, term: String) -> String {
        "pack: {id: w, version: '\(version)'}\ncategories:\n  fraud: {}\nrules:\n  - {id: f, category: fraud, terms: [\(term)]}\n"
    }

    @Test func reloadsWhenTheFileChangesAndOnlyThen() throws {
        let file = try TestSupport.temporaryFile(pack(version: "1", term: "刷单"))
        let classifier = try RuleClassifier(ruleFiles: [file.path])
        let watcher = RulePackWatcher(classifier: classifier, files: [file.path], logger: Logger(label: "test"))
        #expect(watcher.reload(force: false) == .unchanged)
        try pack(version: "2", term: "解冻费").write(to: file, atomically: true, encoding: .utf8)
        #expect(watcher.reload(force: false) == .reloaded("w@2"))
        #expect(classifier.classify("交解冻费").isFlagged)
        #expect(!classifier.classify("刷单").isFlagged)
        #expect(watcher.reload(force: false) == .unchanged)
        #expect(watcher.reload(force: true) == .reloaded("w@2"))
    }

    @Test func keepsTheOldPackWhenTheNewOneIsInvalid() throws {
        let file = try TestSupport.temporaryFile(pack(version: "1", term: "刷单"))
        let classifier = try RuleClassifier(ruleFiles: [file.path])
        let watcher = RulePackWatcher(classifier: classifier, files: [file.path], logger: Logger(label: "test"))
        try "pack: {id: w, version: '2'}\ncategories:\n  fraud: {}\nrules:\n  - {id: f, category: nope, terms: [x]}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        guard case .rejected(let problems) = watcher.reload(force: false) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(problems.first?.location.line == 5)
        #expect(classifier.packVersion == "w@1")
        #expect(classifier.classify("刷单").isFlagged)
    }
}
