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
    func classify(text: String?, attachments: [MessageAttachment]) -> Verdict {
        pool.withWorkspace { workspace in
            var hits: [Hit] = []
            var cancelled: [Bool] = []
            if let text, !text.isEmpty {
                scan(text, attachment: nil, workspace: workspace, hits: &hits, cancelled: &cancelled)
            }
            for (index, attachment) in attachments.enumerated() {
                if let name = attachment.name, !name.isEmpty {
                    scan(name, attachment: index, workspace: workspace, hits: &hits, cancelled: &cancelled)
                }
                if attachment.kind == "link", let url = attachment.url, !url.isEmpty {
                    scan(url, attachment: index, workspace: workspace, hits: &hits, cancelled: &cancelled)
                }
            }
            return hits.isEmpty ? clean : verdict(hits: hits, cancelled: cancelled)
        }
    }

    private func scan(
        _ text: String, attachment: Int?, workspace: ScanWorkspace, hits: inout [Hit], cancelled: inout [Bool]
    ) {
        normalizer.normalize(text, into: workspace.buffer)
        workspace.scanBuffer(database)
        if workspace.matches.isEmpty { return }
        collect(workspace, attachment: attachment, hits: &hits, cancelled: &cancelled)
    }

    @inline(__always)
    private func start(_ m: RawMatch) -> Int32 {
        switch patterns[Int(m.pattern)].start {
        case .literal(let length): return m.to - length
        case .reported: return m.from
        case .widest(let width): return width >= m.to ? 0 : m.to - width
        }
    }

    private func collect(_ workspace: ScanWorkspace, attachment: Int?, hits: inout [Hit], cancelled: inout [Bool]) {
        var spans: [(from: Int32, to: Int32, allow: Int)] = []
        for m in workspace.matches {
            guard case .allow(let a) = patterns[Int(m.pattern)].owner, a >= 0 else { continue }
            if allows[a].scope == .message {
                if cancelled.isEmpty { cancelled = Array(repeating: false, count: categories.count) }
                if allows[a].categories.isEmpty {
                    for c in cancelled.indices { cancelled[c] = true }
                } else {
                    for c in allows[a].categories { cancelled[c] = true }
                }
            } else {
                spans.append((start(m), m.to, a))
            }
        }
        let buffer = workspace.buffer
        for m in workspace.matches {
            guard case .rule(let r) = patterns[Int(m.pattern)].owner else { continue }
            let from = start(m)
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
            hits.append(Hit(rule: r, evidence: evidence))
        }
    }

    private struct Contribution {
        var id: String
        var weight: Double
        var severity: Severity?
        var evidence: [Evidence]
    }

    private func verdict(hits: [Hit], cancelled: [Bool]) -> Verdict {
        var order: [Int] = []
        var evidenceByRule: [Int: [Evidence]] = [:]
        for hit in hits {
            if evidenceByRule[hit.rule] == nil { order.append(hit.rule) }
            evidenceByRule[hit.rule, default: []].append(hit.evidence)
        }
        var contributions: [Int: [Contribution]] = [:]
        for r in order where rules[r].category >= 0 {
            let rule = rules[r]
            contributions[rule.category, default: []].append(
                .init(id: rule.id, weight: rule.weight, severity: rule.severity, evidence: evidenceByRule[r] ?? []))
        }
        for c in cooccurrences where c.category >= 0 && !(cancelled.isEmpty ? false : cancelled[c.category]) {
            guard c.rules.allSatisfy({ evidenceByRule[$0] != nil }) else { continue }
            contributions[c.category, default: []].append(
                .init(
                    id: c.id, weight: c.weight, severity: c.severity,
                    evidence: c.rules.flatMap { evidenceByRule[$0] ?? [] }))
        }
        var flagged: [CategoryVerdict] = []
        var severity: Severity?
        for (index, parts) in contributions {
            let category = categories[index]
            let score = 1 - parts.reduce(1.0) { $0 * (1 - $1.weight) }
            guard score + 1e-9 >= category.threshold, score > 0 else { continue }
            let evidence = Array(
                Set(parts.flatMap(\.evidence)).sorted(by: Self.evidenceOrder).prefix(Self.maxEvidencePerCategory))
            flagged.append(
                .init(category: category.id, score: min(score, 1), rules: parts.map(\.id), evidence: evidence))
            let worst = parts.compactMap(\.severity).reduce(category.severity, max)
            severity = severity.map { max($0, worst) } ?? worst
        }
        flagged.sort { ($0.score, $1.category) > ($1.score, $0.category) }
        return Verdict(categories: flagged, severity: severity, packVersion: packVersion)
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
