/// Turning raw matches into a verdict: allow-lists, co-occurrence, scores, thresholds.
extension CompiledRuleSet {
    /// One rule match that survived the allow-lists.
    struct Hit {
        var rule: Int
        var evidence: Evidence
    }

    /// At most this many evidence items per category, so one spammy message cannot blow up an event.
    static let maxEvidencePerCategory = 32

    /// Normalises, scans and scores one message. Safe to call from many threads at once.
    func classify(
        text: String?, attachments: [MessageAttachment], extracted: [ExtractedItem] = [], media: [AttachmentMatch] = []
    ) -> Verdict {
        pool.withWorkspace { workspace in
            // The workspace's hit list keeps its storage from message to message.
            if !workspace.hits.isEmpty { workspace.hits.removeAll(keepingCapacity: true) }
            for item in extracted {
                if let rule = extractedRules[item.kind] {
                    workspace.hits.append(Hit(rule: rule, evidence: .text(start: item.start, end: item.end)))
                }
            }
            var cancelled: [Bool] = []
            if let text, !text.isEmpty {
                scan(text, attachment: nil, workspace: workspace, cancelled: &cancelled)
            }
            for (index, attachment) in attachments.enumerated() {
                if let name = attachment.name, !name.isEmpty {
                    scan(name, attachment: index, workspace: workspace, cancelled: &cancelled)
                }
                if attachment.kind == "link", let url = attachment.url, !url.isEmpty {
                    scan(url, attachment: index, workspace: workspace, cancelled: &cancelled)
                }
            }
            var external: [External] = []
            if !media.isEmpty {
                external = media.map {
                    External(
                        category: $0.category, ruleID: $0.ruleID, score: $0.score,
                        evidence: .attachment(index: $0.attachmentIndex))
                }
            }
            for item in extracted {
                guard let category = item.category else { continue }
                external.append(
                    External(
                        category: category, ruleID: item.ruleID ?? "extracted.\(item.kind)", score: 1,
                        evidence: .text(start: item.start, end: item.end)))
            }
            if workspace.hits.isEmpty && external.isEmpty { return clean }
            return verdict(hits: workspace.hits, external: external, cancelled: cancelled)
        }
    }

    /// `classify` for a text alone (no attachments, extracted items or media matches).
    func classify(text: String?) -> Verdict {
        guard let text, !text.isEmpty else { return clean }
        return pool.withWorkspace { workspace in
            if !workspace.hits.isEmpty { workspace.hits.removeAll(keepingCapacity: true) }
            var cancelled: [Bool] = []
            scan(text, attachment: nil, workspace: workspace, cancelled: &cancelled)
            if workspace.hits.isEmpty { return clean }
            return verdict(hits: workspace.hits, external: [], cancelled: cancelled)
        }
    }

    private func scan(_ text: String, attachment: Int?, workspace: ScanWorkspace, cancelled: inout [Bool]) {
        if normalize {
            normalizer.normalize(text, into: workspace.buffer)
        } else {
            normalizer.copyVerbatim(text, into: workspace.buffer)
        }
        workspace.scanBuffer(database)
        if workspace.matches.isEmpty { return }
        collect(workspace, attachment: attachment, cancelled: &cancelled)
    }

    @inline(__always)
    private func start(_ m: RawMatch, _ workspace: ScanWorkspace) -> Int32 {
        switch starts[Int(m.pattern)] {
        case .literal(let length): return m.to - length
        case .reported: return m.from
        case .finder(let k): return workspace.leftmostStart(finders[k], end: m.to) ?? 0
        case .widest(let width): return width >= m.to ? 0 : m.to - width
        }
    }

    /// Appends the rule matches that survive the allow-lists to `workspace.hits`.
    private func collect(_ workspace: ScanWorkspace, attachment: Int?, cancelled: inout [Bool]) {
        var spans: [(from: Int32, to: Int32, allow: Int)] = []
        for m in workspace.matches where hasAllowPatterns {
            guard case .allow(let a) = owners[Int(m.pattern)], a >= 0 else { continue }
            if allows[a].scope == .message {
                if cancelled.isEmpty { cancelled = Array(repeating: false, count: categories.count) }
                if allows[a].categories.isEmpty {
                    for c in cancelled.indices { cancelled[c] = true }
                } else {
                    for c in allows[a].categories { cancelled[c] = true }
                }
            } else {
                spans.append((start(m, workspace), m.to, a))
            }
        }
        let buffer = workspace.buffer
        for m in workspace.matches {
            guard case .rule(let r) = owners[Int(m.pattern)] else { continue }
            let from = start(m, workspace)
            let category = rules[r].category
            if category >= 0, !cancelled.isEmpty, cancelled[category] { continue }
            let overlapsAllow = spans.contains { span in
                span.from < m.to && from < span.to
                    && (category < 0 || allows[span.allow].categories.isEmpty
                        || allows[span.allow].categories.contains(category))
            }
            if overlapsAllow { continue }
            let evidence: Evidence
            if let attachment {
                evidence = .attachment(index: attachment)
            } else if let range = buffer.originalRange(from: Int(max(from, 0)), to: Int(m.to)) {
                evidence = .text(start: range.lowerBound, end: range.upperBound)
            } else {
                continue
            }
            workspace.hits.append(Hit(rule: r, evidence: evidence))
        }
    }

    private struct Contribution {
        var id: String
        var weight: Double
        var severity: Severity?
        var evidence: [Evidence]
    }

    /// A contribution from outside the pack: a media-hash match or a blocked domain.
    struct External {
        var category: String
        var ruleID: String
        var score: Double
        var evidence: Evidence
    }

    private func verdict(hits: [Hit], external: [External], cancelled: [Bool]) -> Verdict {
        if external.isEmpty, let first = hits.first?.rule, Self.allFrom(first, hits) {
            // One rule matched (the common case): co-occurrence needs two, so no tables needed.
            let category = rules[first].category
            guard category >= 0 else { return clean }
            let weight = rules[first].weight
            guard weight + 1e-9 >= categories[category].threshold, weight > 0 else { return clean }
            var evidence = hits.count == 1 ? [hits[0].evidence] : hits.map(\.evidence)
            if evidence.count > 1 {
                evidence.sort(by: Self.evidenceOrder)
                evidence = Self.unique(evidence)
                if evidence.count > Self.maxEvidencePerCategory {
                    evidence.removeLast(evidence.count - Self.maxEvidencePerCategory)
                }
            }
            let severity = categories[category].severity
            return Verdict(
                categories: [
                    .init(
                        category: categories[category].id, score: weight, rules: ruleIDLists[first],
                        evidence: evidence)
                ],
                severity: max(severity, rules[first].severity ?? severity), packVersion: packVersion)
        }
        // Hits are few per message: small arrays and linear scans beat hashing here.
        var matchedRules: [Int] = []
        var evidenceByRule: [[Evidence]] = []
        for hit in hits {
            if let k = matchedRules.firstIndex(of: hit.rule) {
                evidenceByRule[k].append(hit.evidence)
            } else {
                matchedRules.append(hit.rule)
                evidenceByRule.append([hit.evidence])
            }
        }
        var categoryOrder: [Int] = []
        var contributions: [[Contribution]] = []
        func add(_ category: Int, _ c: Contribution) {
            if let k = categoryOrder.firstIndex(of: category) {
                contributions[k].append(c)
            } else {
                categoryOrder.append(category)
                contributions.append([c])
            }
        }
        for (k, r) in matchedRules.enumerated() where rules[r].category >= 0 {
            let rule = rules[r]
            add(
                rule.category,
                .init(id: rule.id, weight: rule.weight, severity: rule.severity, evidence: evidenceByRule[k]))
        }
        for c in cooccurrences where c.category >= 0 && (cancelled.isEmpty || !cancelled[c.category]) {
            var evidence: [Evidence] = []
            var all = true
            for r in c.rules {
                guard let k = matchedRules.firstIndex(of: r) else {
                    all = false
                    break
                }
                evidence += evidenceByRule[k]
            }
            if all { add(c.category, .init(id: c.id, weight: c.weight, severity: c.severity, evidence: evidence)) }
        }
        var foreign: [(id: String, parts: [Contribution])] = []
        for m in external {
            let part = Contribution(
                id: m.ruleID, weight: min(max(m.score, 0), 1), severity: nil, evidence: [m.evidence])
            if let index = categoryIndex[m.category] {
                if cancelled.isEmpty || !cancelled[index] { add(index, part) }
            } else if let k = foreign.firstIndex(where: { $0.id == m.category }) {
                foreign[k].parts.append(part)
            } else {
                foreign.append((m.category, [part]))
            }
        }
        var flagged: [CategoryVerdict] = []
        var severity: Severity?
        // Categories a bank or block list reports that the pack does not define: threshold 0.5, high.
        let outside = foreign.map {
            (CategoryDefinition(id: $0.id, name: $0.id, severity: .high, threshold: 0.5), $0.parts)
        }
        let inside = categoryOrder.enumerated().map { (categories[$1], contributions[$0]) }
        for (category, parts) in inside + outside {
            var remaining = 1.0
            for p in parts { remaining *= 1 - p.weight }
            let score = 1 - remaining
            guard score + 1e-9 >= category.threshold, score > 0 else { continue }
            var evidence = parts.count == 1 ? parts[0].evidence : parts.flatMap(\.evidence)
            if evidence.count > 1 {
                evidence.sort(by: Self.evidenceOrder)
                evidence = Self.unique(evidence)
            }
            if evidence.count > Self.maxEvidencePerCategory {
                evidence.removeLast(evidence.count - Self.maxEvidencePerCategory)
            }
            flagged.append(
                .init(category: category.id, score: min(score, 1), rules: Self.uniqueIDs(parts), evidence: evidence))
            var worst = category.severity
            for p in parts { if let s = p.severity, s > worst { worst = s } }
            severity = severity.map { max($0, worst) } ?? worst
        }
        if flagged.count > 1 { flagged.sort { ($0.score, $1.category) > ($1.score, $0.category) } }
        return Verdict(categories: flagged, severity: severity, packVersion: packVersion)
    }

    /// Whether every hit is of `rule`.
    private static func allFrom(_ rule: Int, _ hits: [Hit]) -> Bool {
        for hit in hits where hit.rule != rule { return false }
        return true
    }

    /// The parts' rule ids in order, each once (two attachments in one bank share `media.md5`).
    private static func uniqueIDs(_ parts: [Contribution]) -> [String] {
        var ids: [String] = []
        for p in parts where !ids.contains(p.id) { ids.append(p.id) }
        return ids
    }

    /// Drops duplicates and merges overlapping text ranges of a sorted evidence list.
    private static func unique(_ sorted: [Evidence]) -> [Evidence] {
        var out: [Evidence] = []
        out.reserveCapacity(sorted.count)
        for e in sorted {
            if case .text(let start, let end) = e, case .text(let lastStart, let lastEnd)? = out.last, start < lastEnd {
                out[out.count - 1] = .text(start: lastStart, end: max(end, lastEnd))
            } else if out.last != e {
                out.append(e)
            }
        }
        return out
    }

    private static func evidenceOrder(_ a: Evidence, _ b: Evidence) -> Bool {
        switch (a, b) {
        case (.text(let s1, let e1), .text(let s2, let e2)): return (s1, e1) < (s2, e2)
        case (.text, .attachment): return true
        case (.attachment, .text): return false
        case (.attachment(let i), .attachment(let j)): return i < j
        }
    }
}
