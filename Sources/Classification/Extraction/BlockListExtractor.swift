import Foundation
import Synchronization

extension DomainBlockList {
    /// A list that blocks nothing.
    public static let empty = DomainBlockList(entries: [])

    /// Reads and merges block-list files (a later file's entry for the same domain wins); throws
    /// the first problem, naming the file and the 1-based line (0 for an unreadable file).
    public static func load(files: [String]) throws(MediaHashBankError) -> DomainBlockList {
        var entries: [Entry] = []
        for file in files {
            entries += try DomainBlockList(parsing: MediaHashBankError.readText(of: file), file: file).allEntries
        }
        return DomainBlockList(entries: entries)
    }
}

/// The classifier's extractor in production: `ContactExtractor` plus a reloadable
/// `DomainBlockList`. Every entity becomes an `ExtractedItem` of its kind (for co-occurrence
/// rules); a domain under a block-list entry also carries the entry's category with rule id
/// `domain.blocklist`, so it flags on its own. Safe to share between threads: `reload` swaps
/// the list atomically and a failed reload keeps the previous list in service.
public final class BlockListExtractor: TextExtractor, Sendable {
    /// The rule id a blocked domain is reported under.
    public static let ruleID = "domain.blocklist"

    private let extractor = ContactExtractor()
    private let list: Mutex<DomainBlockList>

    public init(blockList: DomainBlockList = .empty) {
        list = Mutex(blockList)
    }

    /// Loads the files (outside the lock) and swaps them in only when every file is valid.
    public func reload(files: [String]) throws(MediaHashBankError) {
        let loaded = try DomainBlockList.load(files: files)
        list.withLock { $0 = loaded }
    }

    /// The list in service now.
    public var blockList: DomainBlockList { list.withLock { $0 } }

    /// True while the list in service blocks something; with an empty list the extractor only
    /// feeds co-occurrence rules (and costs nothing for packs without them).
    public var flagsCategories: Bool { list.withLock { !$0.isEmpty } }

    public func extract(from text: String) -> [ExtractedItem] {
        let entities = extractor.extract(text)
        if entities.isEmpty { return [] }
        let blocked = blockList
        return entities.map { entity in
            var item = ExtractedItem(kind: entity.kind.rawValue, start: entity.start, end: entity.end)
            if entity.kind == .domain, let entry = blocked.entry(forHost: entity.value) {
                item.category = entry.category
                item.ruleID = Self.ruleID
            }
            return item
        }
    }
}
