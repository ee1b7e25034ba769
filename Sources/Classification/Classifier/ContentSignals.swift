/// A media-hash bank match for one attachment (PDQ/MD5 banks), folded into the verdict as a
/// contribution to `category` with evidence `.attachment(index:)`.
public struct AttachmentMatch: Sendable, Hashable {
    public var attachmentIndex: Int
    public var category: String
    /// Reported in `CategoryVerdict.rules` (e.g. `media.pdq.bank-name`).
    public var ruleID: String
    /// Weight of the match, 0...1 (1 for an exact MD5 match, lower for a distant PDQ match).
    public var score: Double

    public init(attachmentIndex: Int, category: String, ruleID: String, score: Double) {
        self.attachmentIndex = attachmentIndex
        self.category = category
        self.ruleID = ruleID
        self.score = score
    }
}

/// Something found in a message text (a URL, phone number, QQ number, WeChat id …), with
/// original code-point offsets, half-open. A pack uses it in co-occurrence rules as
/// `extracted.<kind>` (e.g. `all: [extracted.wechat, signal.sure_profit]`).
public struct ExtractedItem: Sendable, Hashable {
    public var kind: String
    public var start: Int
    public var end: Int
    /// Set when the item alone flags a category (a domain on a block list): the verdict then
    /// carries `category` with rule `ruleID` and this item's offsets as evidence, whatever the pack says.
    public var category: String?
    /// The rule id reported for `category` (e.g. `domain.blocklist`); ignored without a category.
    public var ruleID: String?

    public init(kind: String, start: Int, end: Int, category: String? = nil, ruleID: String? = nil) {
        self.kind = kind
        self.start = start
        self.end = end
        self.category = category
        self.ruleID = ruleID
    }
}

/// Matches attachments against media-hash banks. Must be safe to call concurrently.
public protocol AttachmentMatcher: Sendable {
    func matches(for attachments: [MessageAttachment]) -> [AttachmentMatch]
}

/// Extracts contact details and links from text. Must be safe to call concurrently.
public protocol TextExtractor: Sendable {
    func extract(from text: String) -> [ExtractedItem]
    /// Whether `extract` may return items with a `category` (then the classifier runs it on every
    /// text and on link attachments' URLs, not only for packs whose co-occurrence rules name
    /// `extracted.<kind>`).
    var flagsCategories: Bool { get }
}

extension TextExtractor {
    /// Plain extractors only feed co-occurrence rules.
    public var flagsCategories: Bool { false }
}

/// The prefix of co-occurrence references that name extracted items rather than rules.
let extractedReferencePrefix = "extracted."
