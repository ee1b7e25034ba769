import Foundation
import Yams

/// Parses and validates rule packs written in YAML (format: docs/rule-packs.md).
///
/// Every problem is reported with its file, line and the id of the rule it is in; a pack with any
/// problem is rejected as a whole.
public struct RulePackLoader: Sendable {
    private let normalizer = TextNormalizer()

    public init() {}

    /// Loads and merges the pack files in order (categories and ids must not repeat across them).
    public func load(files: [String]) throws(RulePackError) -> RulePack {
        var packs: [RulePack] = []
        var problems: [RulePackProblem] = []
        for file in files {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw RulePackError(
                    code: .unreadable,
                    problems: [.init(location: .init(file: file, line: 1), message: "cannot read: \(error)")])
            }
            do {
                packs.append(try parse(yaml: text, file: file))
            } catch {
                problems += error.problems
            }
        }
        guard problems.isEmpty else { throw RulePackError(code: .invalidPack, problems: problems) }
        let merged = merge(packs)
        try validate(merged)
        return merged
    }

    /// Parses one pack document; `file` names it in problems.
    public func parse(yaml: String, file: String) throws(RulePackError) -> RulePack {
        var problems: [RulePackProblem] = []
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw RulePackError(
                    code: .invalidPack, problems: [.init(location: .init(file: file, line: 1), message: "empty pack")])
            }
            root = node
        } catch let error as RulePackError {
            throw error
        } catch {
            throw RulePackError(code: .invalidPack, problems: [Self.yamlProblem(error, file: file)])
        }
        guard var fields = YAMLFields(root, file: file, ruleID: nil, what: "a rule pack", problems: &problems) else {
            throw RulePackError(code: .invalidPack, problems: problems)
        }
        var pack = RulePack(id: "", version: "")
        if let header = fields.value("pack"),
            var head = YAMLFields(header, file: file, ruleID: nil, what: "'pack'", problems: &problems)
        {
            pack.id = head.string("id", required: true, problems: &problems) ?? ""
            pack.version = head.string("version", required: true, problems: &problems) ?? ""
            head.reportUnknownKeys(&problems)
        } else {
            problems.append(fields.problem("missing required key 'pack' (with id and version)"))
        }
        if let cats = fields.value("categories") {
            pack.categories = parseCategories(cats, file: file, problems: &problems)
        }
        for node in fields.sequence("rules", problems: &problems) {
            if let r = parseRule(node, file: file, signal: false, problems: &problems) { pack.rules.append(r) }
        }
        for node in fields.sequence("signals", problems: &problems) {
            if let r = parseRule(node, file: file, signal: true, problems: &problems) { pack.rules.append(r) }
        }
        for node in fields.sequence("cooccurrence", problems: &problems) {
            if let c = parseCooccurrence(node, file: file, problems: &problems) { pack.cooccurrences.append(c) }
        }
        for node in fields.sequence("allow", problems: &problems) {
            if let a = parseAllow(node, file: file, problems: &problems) { pack.allows.append(a) }
        }
        fields.reportUnknownKeys(&problems)
        guard problems.isEmpty else { throw RulePackError(code: .invalidPack, problems: problems) }
        return pack
    }

    static func yamlProblem(_ error: Error, file: String) -> RulePackProblem {
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .init(location: .init(file: file, line: mark.line, column: mark.column), message: "YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .init(
                location: .init(file: file, line: context.mark.line, column: context.mark.column),
                message: "YAML: duplicated keys \(duplicates.joined(separator: ", "))")
        default:
            return .init(location: .init(file: file, line: 1), message: "YAML: \(error)")
        }
    }

    private func parseCategories(_ node: Node, file: String, problems: inout [RulePackProblem]) -> [CategoryDefinition]
    {
        guard case .mapping(let mapping) = node else {
            problems.append(.init(location: YAMLFields.location(node, file), message: "'categories' must be a mapping"))
            return []
        }
        var out: [CategoryDefinition] = []
        for (key, value) in mapping {
            let id = key.string ?? ""
            guard var f = YAMLFields(value, file: file, ruleID: id, what: "a category", problems: &problems) else {
                continue
            }
            let name = f.string("name", problems: &problems) ?? id
            let severity = f.severity("severity", problems: &problems) ?? .medium
            let threshold = f.unitInterval("threshold", default: 0.5, problems: &problems)
            f.reportUnknownKeys(&problems)
            if !Self.isValidID(id) {
                problems.append(.init(location: YAMLFields.location(key, file), message: "bad category id '\(id)'"))
            }
            out.append(
                .init(
                    id: id, name: name, severity: severity, threshold: threshold,
                    location: YAMLFields.location(key, file)))
        }
        return out
    }

    private func parseRule(_ node: Node, file: String, signal: Bool, problems: inout [RulePackProblem])
        -> RuleDefinition?
    {
        let id = node["id"]?.string
        guard var f = YAMLFields(node, file: file, ruleID: id, what: "a rule", problems: &problems) else { return nil }
        let ruleID = f.string("id", required: true, problems: &problems) ?? ""
        let category = signal ? nil : f.string("category", required: true, problems: &problems)
        let weight = signal ? 1 : f.unitInterval("weight", default: 1, problems: &problems)
        let severity = signal ? nil : f.severity("severity", problems: &problems)
        let defaultPinyin = parsePinyin(f.value("pinyin"), fields: f, problems: &problems)
        let terms = parseTerms(&f, key: "terms", defaultPinyin: defaultPinyin, problems: &problems)
        let regexes = f.strings("regexes", problems: &problems).map { RegexDefinition($0.0, location: $0.1) }
        let examples = parseExamples(&f, problems: &problems)
        if terms.isEmpty && regexes.isEmpty {
            problems.append(f.problem("a rule needs at least one term or regex"))
        }
        f.reportUnknownKeys(&problems)
        return RuleDefinition(
            id: ruleID, category: category, weight: weight, severity: severity, terms: terms, regexes: regexes,
            examples: examples, location: f.location)
    }

    private func parseCooccurrence(_ node: Node, file: String, problems: inout [RulePackProblem])
        -> CooccurrenceDefinition?
    {
        guard
            var f = YAMLFields(
                node, file: file, ruleID: node["id"]?.string, what: "a co-occurrence rule", problems: &problems)
        else { return nil }
        let id = f.string("id", required: true, problems: &problems) ?? ""
        let category = f.string("category", required: true, problems: &problems) ?? ""
        let weight = f.unitInterval("weight", default: 1, problems: &problems)
        let severity = f.severity("severity", problems: &problems)
        let all = f.strings("all", problems: &problems).map(\.0)
        if all.count < 2 { problems.append(f.problem("'all' must list at least two rule or signal ids")) }
        let examples = parseExamples(&f, problems: &problems)
        f.reportUnknownKeys(&problems)
        return .init(
            id: id, category: category, weight: weight, severity: severity, all: all, examples: examples,
            location: f.location)
    }

    private func parseAllow(_ node: Node, file: String, problems: inout [RulePackProblem]) -> AllowDefinition? {
        guard
            var f = YAMLFields(node, file: file, ruleID: node["id"]?.string, what: "an allow-list", problems: &problems)
        else { return nil }
        let id = f.string("id", required: true, problems: &problems) ?? ""
        let categories = f.strings("categories", problems: &problems).map(\.0)
        var scope = AllowDefinition.Scope.span
        if let s = f.string("scope", problems: &problems) {
            if let parsed = AllowDefinition.Scope(rawValue: s) {
                scope = parsed
            } else {
                problems.append(f.problem("'scope' must be span or message", at: node["scope"]))
            }
        }
        let phrases = parseTerms(&f, key: "phrases", defaultPinyin: [], problems: &problems)
        if phrases.isEmpty { problems.append(f.problem("an allow-list needs at least one phrase")) }
        let examples = parseExamples(&f, problems: &problems)
        f.reportUnknownKeys(&problems)
        return .init(
            id: id, categories: categories, scope: scope, phrases: phrases, examples: examples, location: f.location)
    }

    private func parseTerms(
        _ f: inout YAMLFields, key: String, defaultPinyin: PinyinVariants, problems: inout [RulePackProblem]
    ) -> [TermDefinition] {
        var out: [TermDefinition] = []
        for item in f.sequence(key, problems: &problems) {
            let location = YAMLFields.location(item, f.file)
            switch item {
            case .scalar(let s) where !s.string.isEmpty:
                out.append(.init(s.string, pinyin: defaultPinyin, location: location))
            case .mapping:
                guard var t = YAMLFields(item, file: f.file, ruleID: f.ruleID, what: "a term", problems: &problems),
                    let text = t.string("text", required: true, problems: &problems)
                else { continue }
                let pinyin = t.value("pinyin").map { parsePinyin($0, fields: t, problems: &problems) } ?? defaultPinyin
                t.reportUnknownKeys(&problems)
                out.append(.init(text, pinyin: pinyin, location: location))
            default:
                problems.append(f.problem("entries of '\(key)' must be strings or {text, pinyin}", at: item))
            }
        }
        return out
    }

    private func parsePinyin(_ node: Node?, fields: YAMLFields, problems: inout [RulePackProblem]) -> PinyinVariants {
        guard let node else { return [] }
        if let b = node.bool { return b ? [.full, .initials] : [] }
        let names: [String]
        if case .sequence(let seq) = node { names = seq.compactMap(\.string) } else { names = [node.string ?? ""] }
        var out: PinyinVariants = []
        for name in names {
            switch name {
            case "full": out.insert(.full)
            case "initials": out.insert(.initials)
            default:
                problems.append(
                    fields.problem("'pinyin' must be true, false, full, initials or a list of them", at: node))
            }
        }
        return out
    }

    private func parseExamples(_ f: inout YAMLFields, problems: inout [RulePackProblem]) -> RuleExamples {
        guard let node = f.value("examples"),
            var e = YAMLFields(node, file: f.file, ruleID: f.ruleID, what: "'examples'", problems: &problems)
        else { return .init() }
        let flag = e.strings("flag", problems: &problems).map(\.0)
        let pass = e.strings("pass", problems: &problems).map(\.0)
        e.reportUnknownKeys(&problems)
        return .init(flag: flag, pass: pass)
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty
            && id.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789_.-".unicodeScalars.contains($0))
            }
    }
}
