/// What a bank entry is matched by.
public enum MediaHashKind: String, Sendable, Hashable, CaseIterable {
    case md5
    case pdq
}

/// One known-bad hash of a bank: its category (a contract category id such as `obscene`, or a
/// pack-defined one) and an optional free-text label (never message content).
public struct MediaHashEntry: Sendable, Hashable {
    public var category: String
    public var label: String?
    /// Where the entry was read from, e.g. `banks/csam.txt:12` (for audit, not matching).
    public var source: String

    public init(category: String, label: String? = nil, source: String = "") {
        self.category = category
        self.label = label
        self.source = source
    }
}

/// An immutable set of known-bad media hashes: MD5 digests matched exactly, PDQ hashes matched
/// within a Hamming distance through a `MultiIndexHashIndex`. Build one with
/// `MediaHashBankLoader`, or from entries directly. `Sendable`; queries never mutate it.
public struct MediaHashBank: Sendable {
    /// The default PDQ match threshold: distance 31 or less matches, 32 does not.
    public static let defaultPDQThreshold = 31

    /// MD5 digest → entries (several banks may list the same digest under different categories).
    public let md5Entries: [MD5Digest: [MediaHashEntry]]
    /// PDQ entries, parallel to `pdqIndex.hashes`.
    public let pdqEntries: [MediaHashEntry]
    public let pdqIndex: MultiIndexHashIndex
    /// Largest PDQ Hamming distance that matches (inclusive).
    public let pdqThreshold: Int

    /// An empty bank: matches nothing.
    public static let empty = MediaHashBank(md5: [], pdq: [])

    public init(
        md5: [(MD5Digest, MediaHashEntry)], pdq: [(PDQHash, MediaHashEntry)],
        pdqThreshold: Int = MediaHashBank.defaultPDQThreshold
    ) {
        var exact: [MD5Digest: [MediaHashEntry]] = [:]
        for (digest, entry) in md5 { exact[digest, default: []].append(entry) }
        md5Entries = exact
        pdqEntries = pdq.map(\.1)
        pdqIndex = MultiIndexHashIndex(hashes: pdq.map(\.0))
        self.pdqThreshold = max(0, pdqThreshold)
    }

    /// Number of MD5 digests and PDQ hashes held.
    public var count: (md5: Int, pdq: Int) { (md5Entries.values.reduce(0) { $0 + $1.count }, pdqEntries.count) }

    /// The entries listing exactly this digest.
    public func lookup(md5 digest: MD5Digest) -> [MediaHashEntry] {
        md5Entries[digest] ?? []
    }

    /// Every PDQ entry within the threshold of `hash`, nearest first.
    public func lookup(pdq hash: PDQHash) -> [(entry: MediaHashEntry, distance: Int)] {
        pdqIndex.search(hash, maxDistance: pdqThreshold).map { (pdqEntries[$0.id], $0.distance) }
    }
}
