import Synchronization

/// The rule-pack classifier: normalisation, one Hyperscan scan per text, allow-lists,
/// co-occurrence and per-category thresholds.
///
/// Thread-safe: `classify` may be called from any number of tasks at once. `replace(with:)`
/// compiles the new pack before taking the lock, then swaps the reference: calls in flight
/// finish with the old pack, later calls see the new one, and a pack that fails to compile
/// leaves the old one in place.
public final class RuleClassifier: Classifier {
    /// Tuning that is not part of a rule pack.
    public struct Options: Sendable {
        /// Normalise texts before matching (default). `false` scans the raw text, for measuring
        /// the matcher alone; terms are then matched exactly as written.
        public var normalize: Bool

        public init(normalize: Bool = true) {
            self.normalize = normalize
        }
    }

    private let current: Mutex<CompiledRuleSet>
    private let options: Options
    private let attachmentMatcher: (any AttachmentMatcher)?
    private let extractor: (any TextExtractor)?
    /// Neither an attachment matcher nor an extractor is configured.
    private let textOnly: Bool

    /// Compiles `pack`; throws the problems (with file and line) that stopped it.
    /// `attachmentMatcher` (media-hash banks) and `extractor` (URLs, phones, QQ, WeChat) feed
    /// their results into the verdicts: media matches as category contributions, extracted
    /// items as the `extracted.<kind>` signals co-occurrence rules may name.
    public init(
        pack: RulePack, options: Options = .init(), attachmentMatcher: (any AttachmentMatcher)? = nil,
        extractor: (any TextExtractor)? = nil
    ) throws(RulePackError) {
        self.options = options
        self.attachmentMatcher = attachmentMatcher
        self.extractor = extractor
        textOnly = attachmentMatcher == nil && extractor == nil
        current = Mutex(try CompiledRuleSet(pack: pack, normalize: options.normalize))
    }

    /// Loads, validates and compiles the pack files.
    public convenience init(
        ruleFiles: [String], options: Options = .init(), attachmentMatcher: (any AttachmentMatcher)? = nil,
        extractor: (any TextExtractor)? = nil
    ) throws(RulePackError) {
        try self.init(
            pack: try RulePackLoader().load(files: ruleFiles), options: options, attachmentMatcher: attachmentMatcher,
            extractor: extractor)
    }

    /// `id@version` of the pack in use.
    public var packVersion: String { current.withLock { $0.packVersion } }

    /// Seconds the current pack's Hyperscan compilation took.
    public var compileSeconds: Double { current.withLock { $0.compileSeconds } }

    /// Bytes of the current compiled database.
    public var databaseSize: Int { current.withLock { $0.database.sizeInBytes } }

    public func classify(text: String?, attachments: [MessageAttachment]) -> Verdict {
        let rules = current.withLock { $0 }
        if textOnly && attachments.isEmpty {
            // No extractor, no media banks, nothing attached: the text alone decides.
            return rules.classify(text: text)
        }
        var extracted: [ExtractedItem] = []
        let flagging = extractor?.flagsCategories ?? false
        if let extractor, let text, flagging || !rules.extractedRules.isEmpty {
            extracted = extractor.extract(from: text)
        }
        var media = attachments.isEmpty ? [] : attachmentMatcher?.matches(for: attachments) ?? []
        if flagging, let extractor {
            // A link attachment's URL on a block list flags the attachment itself.
            for (index, attachment) in attachments.enumerated() where attachment.kind == "link" {
                guard let url = attachment.url, !url.isEmpty else { continue }
                for item in extractor.extract(from: url) {
                    guard let category = item.category else { continue }
                    media.append(
                        AttachmentMatch(
                            attachmentIndex: index, category: category, ruleID: item.ruleID ?? "extracted.\(item.kind)",
                            score: 1))
                }
            }
        }
        return rules.classify(text: text, attachments: attachments, extracted: extracted, media: media)
    }

    /// Compiles `pack` and swaps it in; on error the old pack stays in use.
    public func replace(with pack: RulePack) throws(RulePackError) {
        let compiled = try CompiledRuleSet(pack: pack, normalize: options.normalize)
        current.withLock { $0 = compiled }
    }

    /// Reloads the pack files; on error the old pack stays in use.
    public func reload(ruleFiles: [String]) throws(RulePackError) {
        try replace(with: try RulePackLoader().load(files: ruleFiles))
    }
}
