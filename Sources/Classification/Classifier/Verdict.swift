/// Where a category's evidence is: a range of the message text, or an attachment.
///
/// Text ranges are Unicode scalar (code point) offsets into the ORIGINAL text, half-open
/// `[start, end)`; never the text itself. JSON: `{"start":3,"end":5}` or `{"attachment":0}`.
public enum Evidence: Sendable, Hashable, Codable {
    case text(start: Int, end: Int)
    case attachment(index: Int)

    private enum Keys: String, CodingKey { case start, end, attachment }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let index = try c.decodeIfPresent(Int.self, forKey: .attachment) {
            self = .attachment(index: index)
        } else {
            self = .text(start: try c.decode(Int.self, forKey: .start), end: try c.decode(Int.self, forKey: .end))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .text(let start, let end):
            try c.encode(start, forKey: .start)
            try c.encode(end, forKey: .end)
        case .attachment(let index):
            try c.encode(index, forKey: .attachment)
        }
    }
}

/// One flagged category of a message.
public struct CategoryVerdict: Sendable, Hashable, Codable {
    /// Category id (`fraud`, `gambling`, …).
    public var category: String
    /// 0...1: `1 − Π(1 − weight)` over the distinct rules that matched; at least the category's
    /// threshold, or the category would not be listed.
    public var score: Double
    /// Ids of the rules and co-occurrence rules that contributed.
    public var rules: [String]
    /// Sorted, de-duplicated.
    public var evidence: [Evidence]

    public init(category: String, score: Double, rules: [String], evidence: [Evidence]) {
        self.category = category
        self.score = score
        self.rules = rules
        self.evidence = evidence
    }
}

/// The classifier's answer for one message: flag, review or pass.
///
/// Invariant: `categories` holds only categories whose score reached their flag threshold, sorted by
/// score (highest first) then id; `severity` is `nil` exactly when `categories` is empty. `review`
/// holds the categories whose score reached their review threshold but not their flag threshold,
/// in the same order; a category is never in both. A message is flagged when `categories` is not
/// empty, sent for human review when only `review` is, and passes otherwise.
public struct Verdict: Sendable, Hashable, Codable {
    public var categories: [CategoryVerdict]
    public var severity: Severity?
    /// `id@version` of the rule pack that produced it.
    public var packVersion: String
    /// Categories for human review (below their flag threshold, at or above their review threshold).
    public var review: [CategoryVerdict]

    public init(
        categories: [CategoryVerdict], severity: Severity?, packVersion: String, review: [CategoryVerdict] = []
    ) {
        self.categories = categories
        self.severity = severity
        self.packVersion = packVersion
        self.review = review
    }

    private enum CodingKeys: String, CodingKey { case categories, severity, packVersion, review }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        categories = try c.decode([CategoryVerdict].self, forKey: .categories)
        severity = try c.decodeIfPresent(Severity.self, forKey: .severity)
        packVersion = try c.decode(String.self, forKey: .packVersion)
        review = try c.decodeIfPresent([CategoryVerdict].self, forKey: .review) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(categories, forKey: .categories)
        try c.encodeIfPresent(severity, forKey: .severity)
        try c.encode(packVersion, forKey: .packVersion)
        if !review.isEmpty { try c.encode(review, forKey: .review) }
    }

    /// Whether any category was flagged.
    public var isFlagged: Bool { !categories.isEmpty }

    /// Whether the message goes to human review: nothing flagged, something at review level.
    public var needsReview: Bool { categories.isEmpty && !review.isEmpty }

    /// The verdict for `category`, if flagged.
    public subscript(category: String) -> CategoryVerdict? {
        categories.first { $0.category == category }
    }
}
