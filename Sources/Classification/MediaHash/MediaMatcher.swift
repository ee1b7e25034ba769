import Synchronization

/// The hashes of one attachment as the contract carries them (`pdq`: 64 hex, `md5`: 32 hex).
/// Malformed or absent hashes are simply not matched.
public struct AttachmentHashes: Sendable, Hashable {
    public var pdq: PDQHash?
    public var md5: MD5Digest?

    public init(pdq: PDQHash? = nil, md5: MD5Digest? = nil) {
        self.pdq = pdq
        self.md5 = md5
    }

    /// From the contract's hex strings; a malformed one becomes nil.
    public init(pdqHex: String?, md5Hex: String?) {
        self.init(pdq: pdqHex.flatMap { PDQHash(hex: $0) }, md5: md5Hex.flatMap { MD5Digest(hex: $0) })
    }
}

/// An attachment found in a bank. For PDQ it is the nearest entry of its category (distance
/// 0...threshold); for MD5 the distance is 0.
public struct MediaMatch: Sendable, Hashable {
    public var attachmentIndex: Int
    public var category: String
    public var distance: Int
    public var kind: MediaHashKind
    public var label: String?

    public init(attachmentIndex: Int, category: String, distance: Int, kind: MediaHashKind, label: String?) {
        self.attachmentIndex = attachmentIndex
        self.category = category
        self.distance = distance
        self.kind = kind
        self.label = label
    }
}

/// Matches attachments against one immutable `MediaHashBank`. A value type: safe to use
/// concurrently. Per attachment and category it reports one match: MD5 when the digest is
/// listed, else the nearest PDQ entry within the threshold.
public struct MediaMatcher: Sendable {
    public let bank: MediaHashBank

    public init(bank: MediaHashBank) {
        self.bank = bank
    }

    /// Matches ordered by attachment index, then kind (md5 first), distance and category.
    public func match(attachments: [AttachmentHashes]) -> [MediaMatch] {
        var matches: [MediaMatch] = []
        for (index, attachment) in attachments.enumerated() {
            var categories = Set<String>()
            if let digest = attachment.md5 {
                for entry in bank.lookup(md5: digest) where categories.insert(entry.category).inserted {
                    matches.append(
                        .init(
                            attachmentIndex: index, category: entry.category, distance: 0, kind: .md5,
                            label: entry.label))
                }
            }
            if let hash = attachment.pdq {
                for (entry, distance) in bank.lookup(pdq: hash) where categories.insert(entry.category).inserted {
                    matches.append(
                        .init(
                            attachmentIndex: index, category: entry.category, distance: distance, kind: .pdq,
                            label: entry.label))
                }
            }
        }
        return matches
    }

    /// The classifier's weight for a match: 1 for MD5 and PDQ distance 0, falling linearly to
    /// 0.5 at the threshold.
    public func score(for match: MediaMatch) -> Double {
        guard match.kind == .pdq, bank.pdqThreshold > 0 else { return 1 }
        return 1 - 0.5 * Double(match.distance) / Double(bank.pdqThreshold)
    }
}

extension MediaMatcher: AttachmentMatcher {
    /// Adapter for the classifier: rule ids are `media.md5` / `media.pdq`.
    public func matches(for attachments: [MessageAttachment]) -> [AttachmentMatch] {
        match(attachments: attachments.map { AttachmentHashes(pdqHex: $0.pdq, md5Hex: $0.md5) }).map {
            AttachmentMatch(
                attachmentIndex: $0.attachmentIndex, category: $0.category, ruleID: "media.\($0.kind.rawValue)",
                score: score(for: $0))
        }
    }
}

/// Holds the current bank and swaps it atomically on reload. A failed reload throws and keeps
/// the previous bank in service. Safe to share between threads.
public final class MediaBankHolder: Sendable, AttachmentMatcher {
    private let current: Mutex<MediaMatcher>

    public init(bank: MediaHashBank = .empty) {
        current = Mutex(MediaMatcher(bank: bank))
    }

    /// The matcher in service now (a value: callers may keep it for a whole message).
    public var matcher: MediaMatcher { current.withLock { $0 } }

    /// Loads the files (outside the lock) and swaps them in only when every file is valid.
    public func reload(files: [String], loader: MediaHashBankLoader = .init()) throws(MediaHashBankError) {
        let bank = try loader.load(files: files)
        current.withLock { $0 = MediaMatcher(bank: bank) }
    }

    public func matches(for attachments: [MessageAttachment]) -> [AttachmentMatch] {
        matcher.matches(for: attachments)
    }
}
