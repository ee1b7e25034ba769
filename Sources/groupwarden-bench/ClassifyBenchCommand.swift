import ArgumentParser
import Classification
import Foundation

/// `groupwarden-bench classify CORPUS LEXICON [--regexes FILE]`: the protocol of
/// bench/classify/harness.py. Loads the JSONL corpus and builds the classifier (not timed), then
/// classifies every message — normalisation, one Hyperscan scan, scoring, a full `Verdict` —
/// and prints `messages_scanned=N hit_messages=M seconds=S build_seconds=B …`. A message is a
/// hit when its verdict is flagged (every lexicon term and regex is a weight-1 rule, so any
/// match flags). With `HITS_OUT` set, writes the hit message ids there.
struct ClassifyBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify a harness corpus against a lexicon (and regexes); print the harness line.")

    @Argument(help: "corpus.jsonl (one {\"message_id\",\"text\",…} per line; id = line number)")
    var corpus: String

    @Argument(help: "lexicon: one term per line")
    var lexicon: String

    @Option(help: "regexes: one Hyperscan regex per line")
    var regexes: String?

    @Flag(help: "Scan the raw text: no normalisation (to check agreement with the anchors).")
    var raw = false

    @Option(help: "Stop after this many messages (0: all).")
    var limit = 0

    @Option(help: "Classify the corpus this many times (for profiling); the last pass is reported.")
    var passes = 1

    func run() throws {
        let texts = try Self.loadTexts(corpus, limit: limit)
        let terms = try Self.lines(lexicon)
        let patterns = try regexes.map(Self.lines) ?? []
        let buildStart = ContinuousClock.now
        var rules = [
            RuleDefinition(id: "lexicon", category: "bench", weight: 1, terms: terms.map { TermDefinition($0) })
        ]
        if !patterns.isEmpty {
            rules.append(
                .init(id: "regexes", category: "bench", weight: 1, regexes: patterns.map { RegexDefinition($0) }))
        }
        let pack = RulePack(
            id: "bench", version: "1", categories: [.init(id: "bench", name: "bench", severity: .low, threshold: 0.5)],
            rules: rules)
        try RulePackLoader().validate(pack)
        let classifier = try RuleClassifier(pack: pack, options: .init(normalize: !raw))
        let buildSeconds = Self.seconds(buildStart.duration(to: .now))

        var hits = 0
        var hitIDs: [Int] = []
        var seconds = 0.0
        var cpuSeconds = 0.0
        for _ in 0..<max(passes, 1) {
            let cpuStart = Self.threadCPUTime()
            hits = 0
            hitIDs.removeAll(keepingCapacity: true)
            let start = ContinuousClock.now
            for (i, text) in texts.enumerated() where classifier.classify(text: text, attachments: []).isFlagged {
                hits += 1
                hitIDs.append(i)
            }
            seconds = Self.seconds(start.duration(to: .now))
            cpuSeconds = Self.threadCPUTime() - cpuStart
        }

        if let out = ProcessInfo.processInfo.environment["HITS_OUT"], !out.isEmpty {
            try (hitIDs.map(String.init).joined(separator: "\n") + "\n").write(
                toFile: out, atomically: true, encoding: .utf8)
        }
        print(
            "messages_scanned=\(texts.count) hit_messages=\(hits) seconds=\(seconds) cpu_seconds=\(cpuSeconds) build_seconds=\(buildSeconds)"
                + " normalize=\(raw ? 0 : 1) full_verdict=1 early_exit=0 patterns=\(terms.count + patterns.count)"
                + " db_bytes=\(classifier.databaseSize) compile_seconds=\(classifier.compileSeconds)")
    }

    /// CPU time of the calling thread: steadier than wall time on a shared machine.
    static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    private struct Message: Decodable { var text: String? }

    static func loadTexts(_ path: String, limit: Int) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        var texts: [String] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            texts.append(try decoder.decode(Message.self, from: line).text ?? "")
            if limit > 0 && texts.count >= limit { break }
        }
        return texts
    }
}
