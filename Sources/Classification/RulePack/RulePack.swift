/// A rule pack as written by rule authors (see docs/rule-packs.md): categories, rules (terms,
/// regexes, weights), signals, co-occurrence rules and allow-lists. Plain values; compiled into a
/// `CompiledRuleSet` by the classifier.
///
/// Invariant (after `RulePackLoader` accepted it): ids are unique across rules, signals,
/// co-occurrence rules and allow-lists; every referenced category and rule id exists; weights
/// and thresholds are in 0...1; every term normalises to a non-empty string.
public struct RulePack: Sendable {
    /// Pack id and version, reported in every verdict as `packVersion`.
    public var id: String
    public var version: String
    public var categories: [CategoryDefinition]
    /// Rules with a category, and signals (rules without one, used only by co-occurrence rules).
    public var rules: [RuleDefinition]
    public var cooccurrences: [CooccurrenceDefinition]
    public var allows: [AllowDefinition]

    /// `id@version`, or several joined with `+` when packs were merged.
    public var packVersion: String { "\(id)@\(version)" }

    public init(
        id: String, version: String, categories: [CategoryDefinition] = [], rules: [RuleDefinition] = [],
        cooccurrences: [CooccurrenceDefinition] = [], allows: [AllowDefinition] = []
    ) {
        self.id = id
        self.version = version
        self.categories = categories
        self.rules = rules
        self.cooccurrences = cooccurrences
        self.allows = allows
    }
}

/// Where something was written: file, 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line)" }
}

/// How serious a category (or a rule) is; ordered low < medium < high < critical.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One category: contract ids (`obscene`, `fraud`, …) or pack-defined ones.
public struct CategoryDefinition: Sendable {
    public var id: String
    public var name: String
    public var severity: Severity
    /// A category is flagged when its score reaches this (0...1).
    public var threshold: Double
    public var location: SourceLocation?

    public init(id: String, name: String, severity: Severity, threshold: Double, location: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.severity = severity
        self.threshold = threshold
        self.location = location
    }
}

/// Pinyin spellings generated from a term: full (`dubo`) and/or initials (`db`).
public struct PinyinVariants: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let full = PinyinVariants(rawValue: 1)
    public static let initials = PinyinVariants(rawValue: 2)
}

/// A literal term; matched after normalisation of both term and text.
public struct TermDefinition: Sendable {
    public var text: String
    public var pinyin: PinyinVariants
    public var location: SourceLocation?

    public init(_ text: String, pinyin: PinyinVariants = [], location: SourceLocation? = nil) {
        self.text = text
        self.pinyin = pinyin
        self.location = location
    }
}

/// A Hyperscan regular expression, matched over the normalised (lowercased, simplified) text,
/// caselessly, in UTF-8/UCP mode.
public struct RegexDefinition: Sendable {
    public var pattern: String
    public var location: SourceLocation?

    public init(_ pattern: String, location: SourceLocation? = nil) {
        self.pattern = pattern
        self.location = location
    }
}

/// Example messages a rule must flag, and messages it must not.
public struct RuleExamples: Sendable {
    public var flag: [String]
    public var pass: [String]

    public init(flag: [String] = [], pass: [String] = []) {
        self.flag = flag
        self.pass = pass
    }
}

/// A rule: any of its terms or regexes matching adds `weight` to its category's score.
/// A rule without a category is a signal: it only feeds co-occurrence rules.
public struct RuleDefinition: Sendable {
    public var id: String
    public var category: String?
    public var weight: Double
    public var severity: Severity?
    public var terms: [TermDefinition]
    public var regexes: [RegexDefinition]
    public var examples: RuleExamples
    public var location: SourceLocation?

    public init(
        id: String, category: String?, weight: Double = 1, severity: Severity? = nil,
        terms: [TermDefinition] = [], regexes: [RegexDefinition] = [], examples: RuleExamples = .init(),
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.category = category
        self.weight = weight
        self.severity = severity
        self.terms = terms
        self.regexes = regexes
        self.examples = examples
        self.location = location
    }
}

/// Fires when every rule or signal in `all` matched in one message.
public struct CooccurrenceDefinition: Sendable {
    public var id: String
    public var category: String
    public var weight: Double
    public var severity: Severity?
    public var all: [String]
    public var examples: RuleExamples
    public var location: SourceLocation?

    public init(
        id: String, category: String, weight: Double, severity: Severity? = nil, all: [String],
        examples: RuleExamples = .init(), location: SourceLocation? = nil
    ) {
        self.id = id
        self.category = category
        self.weight = weight
        self.severity = severity
        self.all = all
        self.examples = examples
        self.location = location
    }
}

/// Phrases that cancel matches: `反诈骗宣传` is not fraud.
public struct AllowDefinition: Sendable {
    /// What an allow phrase cancels.
    public enum Scope: String, Sendable {
        /// Only matches overlapping the phrase.
        case span
        /// Every match of the listed categories in the message.
        case message
    }

    public var id: String
    /// Categories it applies to; empty means all.
    public var categories: [String]
    public var scope: Scope
    public var phrases: [TermDefinition]
    public var examples: RuleExamples
    public var location: SourceLocation?

    public init(
        id: String, categories: [String] = [], scope: Scope = .span, phrases: [TermDefinition],
        examples: RuleExamples = .init(), location: SourceLocation? = nil
    ) {
        self.id = id
        self.categories = categories
        self.scope = scope
        self.phrases = phrases
        self.examples = examples
        self.location = location
    }
}
