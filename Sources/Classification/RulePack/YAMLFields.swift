import Yams

/// Reads one YAML mapping field by field, recording problems with their line numbers and
/// reporting keys nobody asked for.
struct YAMLFields {
    let file: String
    let node: Node
    let ruleID: String?
    private(set) var seen: Set<String> = []
    private let pairs: [(key: String, value: Node, location: SourceLocation)]

    init?(_ node: Node, file: String, ruleID: String?, what: String, problems: inout [RulePackProblem]) {
        self.file = file
        self.node = node
        self.ruleID = ruleID
        guard case .mapping(let mapping) = node else {
            problems.append(
                .init(location: Self.location(node, file), ruleID: ruleID, message: "\(what) must be a mapping"))
            return nil
        }
        pairs = mapping.map { ($0.key.string ?? "", $0.value, Self.location($0.key, file)) }
    }

    static func location(_ node: Node?, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
    }

    var location: SourceLocation { Self.location(node, file) }

    func location(of key: String) -> SourceLocation {
        pairs.first { $0.key == key }?.location ?? location
    }

    mutating func value(_ key: String) -> Node? {
        seen.insert(key)
        return pairs.first { $0.key == key }?.value
    }

    mutating func string(_ key: String, required: Bool = false, problems: inout [RulePackProblem]) -> String? {
        guard let v = value(key) else {
            if required { problems.append(problem("missing required key '\(key)'")) }
            return nil
        }
        guard case .scalar(let scalar) = v, !scalar.string.isEmpty else {
            problems.append(problem("'\(key)' must be a non-empty string", at: v))
            return nil
        }
        return scalar.string
    }

    mutating func unitInterval(_ key: String, default d: Double, problems: inout [RulePackProblem]) -> Double {
        guard let v = value(key) else { return d }
        guard let x = v.float ?? v.int.map(Double.init), (0...1).contains(x) else {
            problems.append(problem("'\(key)' must be a number between 0 and 1", at: v))
            return d
        }
        return x
    }

    mutating func severity(_ key: String, problems: inout [RulePackProblem]) -> Severity? {
        guard let v = value(key) else { return nil }
        guard let s = v.string.flatMap(Severity.init(rawValue:)) else {
            problems.append(problem("'\(key)' must be one of low, medium, high, critical", at: v))
            return nil
        }
        return s
    }

    mutating func sequence(_ key: String, problems: inout [RulePackProblem]) -> [Node] {
        guard let v = value(key) else { return [] }
        guard case .sequence(let seq) = v else {
            problems.append(problem("'\(key)' must be a list", at: v))
            return []
        }
        return Array(seq)
    }

    mutating func strings(_ key: String, problems: inout [RulePackProblem]) -> [(String, SourceLocation)] {
        sequence(key, problems: &problems).compactMap { item in
            guard case .scalar(let s) = item, !s.string.isEmpty else {
                problems.append(problem("entries of '\(key)' must be non-empty strings", at: item))
                return nil
            }
            return (s.string, Self.location(item, file))
        }
    }

    func problem(_ message: String, at node: Node? = nil) -> RulePackProblem {
        RulePackProblem(location: node.map { Self.location($0, file) } ?? location, ruleID: ruleID, message: message)
    }

    /// Reports every key that no reader asked for.
    func reportUnknownKeys(_ problems: inout [RulePackProblem]) {
        for pair in pairs where !seen.contains(pair.key) {
            problems.append(.init(location: pair.location, ruleID: ruleID, message: "unknown key '\(pair.key)'"))
        }
    }
}
