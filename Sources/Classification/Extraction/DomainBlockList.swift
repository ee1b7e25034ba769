import Foundation

/// A block list of domains with categories. A host matches an entry when it equals the entry or
/// ends with `.` + entry (`sub.bad.com` matches `bad.com`; `notbad.com` does not). Line format:
///
/// ```
/// # comment
/// <domain> <category> [label …]
/// ```
///
/// Immutable and `Sendable`.
public struct DomainBlockList: Sendable {
    /// One blocked domain.
    public struct Entry: Sendable, Hashable {
        public var domain: String
        public var category: String
        public var label: String?

        public init(domain: String, category: String, label: String? = nil) {
            self.domain = domain
            self.category = category
            self.label = label
        }
    }

    /// A domain found in a text and the block-list entry it falls under.
    public struct Hit: Sendable, Hashable {
        public var entity: ExtractedEntity
        public var entry: Entry
    }

    private let entries: [String: Entry]

    /// Every entry, in no particular order.
    public var allEntries: [Entry] { Array(entries.values) }

    /// Whether the list blocks nothing.
    public var isEmpty: Bool { entries.isEmpty }

    public init(entries: [Entry]) {
        var table: [String: Entry] = [:]
        for entry in entries { table[entry.domain.lowercased()] = entry }
        self.entries = table
    }

    /// Parses a block-list file's text; errors name `file` and the 1-based line.
    public init(parsing text: String, file: String) throws(MediaHashBankError) {
        var parsed: [Entry] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else {
                throw MediaHashBankError(
                    code: .missingField, message: "expected `<domain> <category> [label]`", file: file, line: lineNumber
                )
            }
            let domain = fields[0].lowercased()
            guard domain.contains("."),
                domain.unicodeScalars.allSatisfy({ ContactExtractor.isLabelScalar($0) || $0 == "." }),
                !domain.hasPrefix("."), !domain.hasSuffix(".")
            else {
                throw MediaHashBankError(
                    code: .invalidDomain, message: "expected a domain name such as `example.com`", file: file,
                    line: lineNumber)
            }
            let category = String(fields[1])
            guard MediaHashBankLoader.isValidCategory(category) else {
                throw MediaHashBankError(
                    code: .invalidCategory, message: "category must match [a-z][a-z0-9_.-]*", file: file,
                    line: lineNumber)
            }
            parsed.append(.init(domain: domain, category: category, label: fields.count > 2 ? String(fields[2]) : nil))
        }
        self.init(entries: parsed)
    }

    /// The entry `host` (lowercase) falls under: itself or its nearest blocked parent domain.
    public func entry(forHost host: String) -> Entry? {
        var candidate = host.lowercased()[...]
        while true {
            if let entry = entries[String(candidate)] { return entry }
            guard let dot = candidate.firstIndex(of: ".") else { return nil }
            candidate = candidate[candidate.index(after: dot)...]
        }
    }

    /// The blocked domains among extracted entities (kind `domain`).
    public func hits(in entities: [ExtractedEntity]) -> [Hit] {
        entities.compactMap { entity in
            guard entity.kind == .domain, let entry = entry(forHost: entity.value) else { return nil }
            return Hit(entity: entity, entry: entry)
        }
    }
}

extension ContactExtractor: TextExtractor {
    /// Adapter for the classifier: kinds are the raw values (`phone`, `qq`, `wechat`, `url`,
    /// `domain`, `id_card`); values are dropped.
    public func extract(from text: String) -> [ExtractedItem] {
        extract(text).map { ExtractedItem(kind: $0.kind.rawValue, start: $0.start, end: $0.end) }
    }
}
