/// Where evidence is: a half-open range of Unicode code points in the original text, or an
/// attachment index. Never the content itself.
public enum EvidenceRef: Sendable, Hashable, Codable {
    case text(start: Int, end: Int)
    case attachment(index: Int)

    private enum Keys: String, CodingKey { case start, end, attachment }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if let index = try container.decodeIfPresent(Int.self, forKey: .attachment) {
            self = .attachment(index: index)
        } else {
            self = .text(
                start: try container.decode(Int.self, forKey: .start), end: try container.decode(Int.self, forKey: .end)
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .text(let start, let end):
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
        case .attachment(let index):
            try container.encode(index, forKey: .attachment)
        }
    }
}

/// One category a message was flagged for.
public struct CategoryFinding: Sendable, Codable, Hashable {
    public var category: String
    /// 0...1.
    public var score: Double
    public var rules: [String]
    public var evidence: [EvidenceRef]

    public init(category: String, score: Double, rules: [String], evidence: [EvidenceRef]) {
        self.category = category
        self.score = score
        self.rules = rules
        self.evidence = evidence
    }
}
