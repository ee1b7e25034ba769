import CHyperscan

/// A rule pack compiled for scanning: every term, pinyin spelling, regex and allow phrase of
/// every category in ONE Hyperscan database, plus the tables that turn pattern ids back into
/// rules. Immutable once built; shared by all concurrent classifications.
final class CompiledRuleSet: Sendable {
    /// What a pattern belongs to.
    enum Owner: Sendable {
        case rule(Int)
        case allow(Int)
    }

    /// How a match's start offset is found.
    enum StartMode: Sendable {
        /// A literal of this many bytes: start = end − length.
        case literal(Int32)
        /// Hyperscan reports the leftmost start (`HS_FLAG_SOM_LEFTMOST`).
        case reported
        /// A regex: the start is found by scanning the text again with `finders[index]`.
        case finder(Int)
        /// The pattern was too large to compile with start tracking: start = end − the pattern's
        /// maximum width (clamped to 0), so the evidence covers the match and maybe a little more.
        case widest(Int32)
    }

    struct PatternInfo: Sendable {
        var owner: Owner
        var start: StartMode
        var location: SourceLocation?
        var ownerID: String
    }

    struct Rule: Sendable {
        var id: String
        /// −1 for signals.
        var category: Int
        var weight: Double
        var severity: Severity?
    }

    struct Cooccurrence: Sendable {
        var id: String
        var category: Int
        var weight: Double
        var severity: Severity?
        var rules: [Int]
    }

    struct Allow: Sendable {
        var id: String
        /// Empty means every category.
        var categories: [Int]
        var scope: AllowDefinition.Scope
    }

    let packVersion: String
    let categories: [CategoryDefinition]
    let rules: [Rule]
    let cooccurrences: [Cooccurrence]
    let allows: [Allow]
    let patterns: [PatternInfo]
    /// `patterns[i].owner` and `.start`, as plain arrays for the per-match loop (no strings to
    /// retain).
    let owners: [Owner]
    let starts: [StartMode]
    /// Whether any pattern belongs to an allow-list (otherwise the allow pass is skipped).
    let hasAllowPatterns: Bool
    /// `[rules[i].id]`, prebuilt for single-rule verdicts.
    let ruleIDLists: [[String]]
    /// Extracted-item kind → the virtual signal rule `extracted.<kind>` that co-occurrence rules use.
    let extractedRules: [String: Int]
    let categoryIndex: [String: Int]
    let database: HyperscanDatabase
    /// One small database per regex, compiled with start-of-match tracking; a regex whose finder
    /// is too large falls back to `StartMode.widest`.
    let finders: [HyperscanDatabase]
    let pool: WorkspacePool
    let normalizer = TextNormalizer()
    /// Whether texts are normalised before scanning (terms then are too).
    let normalize: Bool
    /// The verdict of a message nothing matched in.
    let clean: Verdict
    /// Seconds the Hyperscan compilation took.
    let compileSeconds: Double

    /// Compiles `pack` (which `RulePackLoader.validate` accepted). Slow for large packs: call off
    /// the hot path. Throws a problem located at the offending term or regex.
    init(pack: RulePack, normalize: Bool = true) throws(RulePackError) {
        self.normalize = normalize
        let normalizeTerms = normalize
        let normalizer = TextNormalizer()
        let categoryIndex = Dictionary(
            pack.categories.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ruleIndex = Dictionary(pack.rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var infos: [PatternInfo] = []
        var hsPatterns: [HyperscanPattern] = []
        func addTerm(_ term: TermDefinition, owner: Owner, ownerID: String, fallback: SourceLocation?) {
            let normalized = normalizeTerms ? normalizer.normalizedString(term.text) : term.text
            let location = term.location ?? fallback
            hsPatterns.append(.init(expression: PatternFlags.escape(normalized), flags: PatternFlags.literal))
            infos.append(
                .init(owner: owner, start: .literal(Int32(normalized.utf8.count)), location: location, ownerID: ownerID)
            )
            var spellings: [String] = []
            if term.pinyin.contains(.full), let full = Pinyin.full(normalized) { spellings.append(full) }
            if term.pinyin.contains(.initials), let initials = Pinyin.initials(normalized) {
                spellings.append(initials)
            }
            for spelling in Set(spellings) {
                hsPatterns.append(
                    .init(expression: "\\b" + PatternFlags.escape(spelling) + "\\b", flags: PatternFlags.pinyin))
                infos.append(.init(owner: owner, start: .reported, location: location, ownerID: ownerID))
            }
        }
        var rules: [Rule] = []
        var finders: [HyperscanDatabase] = []
        for (i, r) in pack.rules.enumerated() {
            rules.append(
                .init(
                    id: r.id, category: r.category.flatMap { categoryIndex[$0] } ?? -1, weight: r.weight,
                    severity: r.severity))
            for t in r.terms { addTerm(t, owner: .rule(i), ownerID: r.id, fallback: r.location) }
            for regex in r.regexes {
                hsPatterns.append(.init(expression: regex.pattern, flags: PatternFlags.regex))
                let finder = HyperscanPattern(expression: regex.pattern, flags: PatternFlags.finder)
                let start: StartMode
                if let db = try? HyperscanDatabase(patterns: [finder]) {
                    finders.append(db)
                    start = .finder(finders.count - 1)
                } else {
                    start = .widest(HyperscanDatabase.maxWidth(of: finder) ?? Int32.max)
                }
                infos.append(
                    .init(owner: .rule(i), start: start, location: regex.location ?? r.location, ownerID: r.id))
            }
        }
        var allows: [Allow] = []
        for (i, a) in pack.allows.enumerated() {
            allows.append(.init(id: a.id, categories: a.categories.compactMap { categoryIndex[$0] }, scope: a.scope))
            for p in a.phrases { addTerm(p, owner: .allow(i), ownerID: a.id, fallback: a.location) }
        }
        var extracted: [String: Int] = [:]
        var refIndex = ruleIndex
        for c in pack.cooccurrences {
            for ref in c.all where ref.hasPrefix(extractedReferencePrefix) && refIndex[ref] == nil {
                rules.append(.init(id: ref, category: -1, weight: 1, severity: nil))
                refIndex[ref] = rules.count - 1
                extracted[String(ref.dropFirst(extractedReferencePrefix.count))] = rules.count - 1
            }
        }
        extractedRules = extracted
        cooccurrences = pack.cooccurrences.map {
            .init(
                id: $0.id, category: categoryIndex[$0.category] ?? -1, weight: $0.weight, severity: $0.severity,
                rules: $0.all.compactMap { refIndex[$0] })
        }
        self.categoryIndex = categoryIndex
        if hsPatterns.isEmpty {
            // Hyperscan refuses an empty set: a pattern that never matches valid UTF-8 text.
            hsPatterns.append(.init(expression: "\\xff\\xff\\xff", flags: PatternFlags.literal))
            infos.append(.init(owner: .allow(-1), start: .literal(3), location: nil, ownerID: ""))
        }
        let started = ContinuousClock.now
        do {
            database = try Self.compile(&hsPatterns, &infos)
            pool = try WorkspacePool(databases: [database] + finders)
        } catch {
            let info = error.patternIndex.map { infos[$0] }
            throw RulePackError(
                code: .invalidPack,
                problems: [
                    .init(
                        location: info?.location ?? .init(file: "<pack \(pack.id)>", line: 1), ruleID: info?.ownerID,
                        message: "cannot compile: \(error.message)")
                ])
        }
        let elapsed = started.duration(to: .now).components
        compileSeconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        packVersion = pack.packVersion
        categories = pack.categories
        self.rules = rules
        self.allows = allows
        patterns = infos
        owners = infos.map(\.owner)
        starts = infos.map(\.start)
        hasAllowPatterns = infos.contains {
            if case .allow(let a) = $0.owner { return a >= 0 }
            return false
        }
        ruleIDLists = rules.map { [$0.id] }
        self.finders = finders
        clean = Verdict(categories: [], severity: nil, packVersion: pack.packVersion)
    }

    /// Compiles the patterns; a pattern Hyperscan finds too large with start-of-match tracking is
    /// retried without it (its evidence start becomes approximate, see `StartMode.widest`).
    private static func compile(
        _ patterns: inout [HyperscanPattern], _ infos: inout [PatternInfo]
    ) throws(HyperscanError) -> HyperscanDatabase {
        let som = UInt32(HS_FLAG_SOM_LEFTMOST)
        while true {
            do {
                return try HyperscanDatabase(patterns: patterns)
            } catch {
                guard let i = error.patternIndex, patterns[i].flags & som != 0, error.message.contains("too large")
                else {
                    throw error
                }
                patterns[i].flags &= ~som
                infos[i].start = .widest(HyperscanDatabase.maxWidth(of: patterns[i]) ?? Int32.max)
            }
        }
    }
}
