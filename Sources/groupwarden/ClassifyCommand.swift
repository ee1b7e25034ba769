import ArgumentParser
import Classification
import Foundation
import Warden

/// `groupwarden classify [--rules FILE...]`: one verdict JSON line per input line, for rule
/// authors. Input lines are plain text, or contract GroupMessage JSON objects (private chats are
/// skipped, as the pipeline skips them).
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify stdin lines (plain text or GroupMessage JSON); print one verdict JSON per line.")

    @Option(parsing: .upToNextOption, help: "Rule pack files, merged in order.")
    var rules: [String] = ["rules/default.yaml"]

    @Flag(help: "Also print the normalised text (a rule-authoring aid).")
    var showNormalized = false

    func run() throws {
        let classifier: RuleClassifier
        do {
            classifier = try RuleClassifier(ruleFiles: rules)
        } catch {
            for p in error.problems { FileHandle.standardError.write(Data("\(p)\n".utf8)) }
            throw ExitCode(1)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let normalizer = TextNormalizer()
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            var output = Output(line: lineNumber)
            if line.first == "{", let message = try? ContractDecoder().message(Array(line.utf8)) {
                output.messageID = message.messageID
                if message.group.kind.isPrivate {
                    output.skipped = "private_chat"
                } else {
                    let attachments = message.attachments.map {
                        MessageAttachment(kind: $0.kind.rawValue, url: $0.url, pdq: $0.pdq, md5: $0.md5, name: $0.name)
                    }
                    output.verdict = classifier.classify(text: message.text, attachments: attachments)
                    if showNormalized { output.normalized = message.text.map { normalizer.normalizedString($0) } }
                }
            } else {
                output.verdict = classifier.classify(line)
                if showNormalized { output.normalized = normalizer.normalizedString(line) }
            }
            let data = try encoder.encode(output)
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    private struct Output: Encodable {
        var line: Int
        var messageID: String?
        var skipped: String?
        var verdict: Verdict?
        var normalized: String?

        func encode(to encoder: Encoder) throws {
            enum Keys: String, CodingKey {
                case line, messageID, skipped, categories, severity, packVersion, normalized, flagged
            }
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(line, forKey: .line)
            try c.encodeIfPresent(messageID, forKey: .messageID)
            try c.encodeIfPresent(skipped, forKey: .skipped)
            if let verdict {
                try c.encode(verdict.isFlagged, forKey: .flagged)
                try c.encode(verdict.categories, forKey: .categories)
                try c.encodeIfPresent(verdict.severity, forKey: .severity)
                try c.encode(verdict.packVersion, forKey: .packVersion)
            }
            try c.encodeIfPresent(normalized, forKey: .normalized)
        }
    }
}
