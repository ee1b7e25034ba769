/// One problem found while loading or checking a rule pack.
public struct RulePackProblem: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// The rule, signal, co-occurrence or allow-list id, when the problem is inside one.
    public var ruleID: String?
    public var message: String

    public init(location: SourceLocation, ruleID: String? = nil, message: String) {
        self.location = location
        self.ruleID = ruleID
        self.message = message
    }

    /// `file:line: [rule id] problem`, the format `groupwarden rules check` prints.
    public var description: String {
        "\(location.file):\(location.line):\(location.column): " + (ruleID.map { "[\($0)] " } ?? "") + message
    }
}

/// Loading a rule pack failed; `problems` lists every problem found, in file order.
public struct RulePackError: Error, Sendable, CustomStringConvertible {
    /// `invalidPack` for content problems, `unreadable` when a file cannot be read.
    public enum Code: String, Sendable {
        case invalidPack = "invalid_pack"
        case unreadable
    }

    public var code: Code
    public var problems: [RulePackProblem]

    /// A fixed pack stays broken until someone edits it.
    public var isRetriable: Bool { false }

    public init(code: Code, problems: [RulePackProblem]) {
        self.code = code
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
