/// Merging several pack files and checking cross references.
extension RulePackLoader {
    /// One pack from several: lists concatenated, ids and versions joined with `+`.
    func merge(_ packs: [RulePack]) -> RulePack {
        guard var merged = packs.first else { return RulePack(id: "empty", version: "0") }
        for p in packs.dropFirst() {
            merged.id += "+" + p.id
            merged.version += "+" + p.version
            merged.categories += p.categories
            merged.rules += p.rules
            merged.cooccurrences += p.cooccurrences
            merged.allows += p.allows
        }
        return merged
    }

    /// Checks ids, references, term normalisation, pinyin coverage and every regex; throws all
    /// problems found.
    public func validate(_ pack: RulePack) throws(RulePackError) {
        var problems: [RulePackProblem] = []
        let fallback = SourceLocation(file: "<pack \(pack.id)>", line: 1)
        var categoryIDs: Set<String> = []
        for c in pack.categories where !categoryIDs.insert(c.id).inserted {
            problems.append(.init(location: c.location ?? fallback, message: "duplicate category '\(c.id)'"))
        }
        var ids: Set<String> = []
        func claim(_ id: String, _ location: SourceLocation?) {
            if !Self.isValidID(id) {
                problems.append(
                    .init(location: location ?? fallback, ruleID: id, message: "bad id (use a-z, 0-9, '.', '_', '-')"))
            }
            if !ids.insert(id).inserted {
                problems.append(.init(location: location ?? fallback, ruleID: id, message: "duplicate id"))
            }
        }
        func checkCategory(_ id: String, owner: String, _ location: SourceLocation?) {
            if !categoryIDs.contains(id) {
                problems.append(
                    .init(location: location ?? fallback, ruleID: owner, message: "unknown category '\(id)'"))
            }
        }
        for r in pack.rules {
            claim(r.id, r.location)
            if let c = r.category { checkCategory(c, owner: r.id, r.location) }
            checkTerms(r.terms, owner: r.id, fallback: r.location ?? fallback, problems: &problems)
            for regex in r.regexes {
                if let error = HyperscanDatabase.validate(.init(expression: regex.pattern, flags: PatternFlags.regex)) {
                    problems.append(
                        .init(
                            location: regex.location ?? r.location ?? fallback, ruleID: r.id,
                            message: "bad regex: \(error.message)"))
                }
            }
        }
        for c in pack.cooccurrences {
            claim(c.id, c.location)
            checkCategory(c.category, owner: c.id, c.location)
        }
        let ruleIDs = Set(pack.rules.map(\.id))
        for c in pack.cooccurrences {
            for ref in c.all where !ruleIDs.contains(ref) && !ref.hasPrefix(extractedReferencePrefix) {
                problems.append(
                    .init(location: c.location ?? fallback, ruleID: c.id, message: "unknown rule or signal '\(ref)'"))
            }
        }
        for a in pack.allows {
            claim(a.id, a.location)
            for c in a.categories { checkCategory(c, owner: a.id, a.location) }
            checkTerms(a.phrases, owner: a.id, fallback: a.location ?? fallback, problems: &problems)
        }
        problems.sort { ($0.location.file, $0.location.line) < ($1.location.file, $1.location.line) }
        if !problems.isEmpty { throw RulePackError(code: .invalidPack, problems: problems) }
    }

    private func checkTerms(
        _ terms: [TermDefinition], owner: String, fallback: SourceLocation, problems: inout [RulePackProblem]
    ) {
        let normalizer = TextNormalizer()
        for t in terms {
            let normalized = normalizer.normalizedString(t.text)
            let location = t.location ?? fallback
            if normalized.unicodeScalars.allSatisfy({ FoldTable.classify($0) == .separator }) {
                problems.append(
                    .init(location: location, ruleID: owner, message: "term '\(t.text)' is empty after normalisation"))
                continue
            }
            if !t.pinyin.isEmpty, let unknown = Pinyin.firstUnknown(in: normalized) {
                problems.append(
                    .init(
                        location: location, ruleID: owner,
                        message:
                            "no pinyin known for '\(unknown)' in '\(t.text)': drop pinyin or write the pinyin as its own term"
                    ))
            }
        }
    }
}
