import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Reloads media-hash banks and domain block lists when their files change (polled) or on
/// SIGHUP, the way `RulePackWatcher` reloads rule packs.
///
/// Each `Source` reloads as a unit: a file that fails to load is logged with its problem
/// (file, line, code) and the source keeps serving what it had. Logs carry file locations and
/// problems, never message text.
public final class SignalFilesWatcher: Service, Sendable {
    /// A set of files reloaded together, e.g. every configured hash bank.
    public struct Source: Sendable {
        /// For logs and outcomes: `hash_banks`, `domain_blocklist`.
        public var name: String
        public var files: [String]
        /// Loads `files` and swaps them in; throws (leaving the old data in service) on a problem.
        public var reload: @Sendable () throws -> Void

        public init(name: String, files: [String], reload: @escaping @Sendable () throws -> Void) {
            self.name = name
            self.files = files
            self.reload = reload
        }

        /// The bank files of `holder` (which must have been loaded from `files`).
        public static func hashBanks(
            _ holder: MediaBankHolder, files: [String], loader: MediaHashBankLoader = .init()
        ) -> Source {
            Source(name: "hash_banks", files: files) { try holder.reload(files: files, loader: loader) }
        }

        /// The block-list files of `extractor` (which must have been loaded from `files`).
        public static func domainBlockList(_ extractor: BlockListExtractor, files: [String]) -> Source {
            Source(name: "domain_blocklist", files: files) { try extractor.reload(files: files) }
        }
    }

    /// What one check did to one source.
    public enum Outcome: Sendable, Equatable {
        case unchanged(String)
        /// The source's new files are in service.
        case reloaded(String)
        /// The files changed but were rejected: the source name and the problem
        /// (`file:line: code: message` for bank and block-list errors). The old data stays.
        case rejected(String, problem: String)
    }

    private let sources: [Source]
    private let pollInterval: Duration
    private let reloadOnSIGHUP: Bool
    private let logger: Logger
    /// Per source, the contents of its files when last loaded (or attempted).
    private let lastContents: Mutex<[[Data?]]>

    /// `sources` must be loaded already; the watcher reloads them when their files change.
    public init(sources: [Source], pollInterval: Duration = .seconds(2), reloadOnSIGHUP: Bool = true, logger: Logger) {
        self.sources = sources
        self.pollInterval = pollInterval
        self.reloadOnSIGHUP = reloadOnSIGHUP
        self.logger = logger
        lastContents = Mutex(sources.map(Self.contents))
    }

    /// Polls until graceful shutdown or cancellation; reloads on change and on SIGHUP.
    public func run() async throws {
        try await runReloadLoop(pollInterval: pollInterval, reloadOnSIGHUP: reloadOnSIGHUP) { force in
            _ = self.reload(force: force)
        }
    }

    /// Checks every source now; reloads those whose files changed (or all, with `force`).
    @discardableResult
    public func reload(force: Bool) -> [Outcome] {
        let contents = sources.map(Self.contents)
        let changed = lastContents.withLock { last in
            defer { last = contents }
            return zip(last, contents).map { $0 != $1 }
        }
        return sources.enumerated().map { index, source in
            guard changed[index] || force else { return .unchanged(source.name) }
            do {
                try source.reload()
                logger.info("content signal files reloaded", metadata: [LogKey.source: "\(source.name)"])
                return .reloaded(source.name)
            } catch {
                logger.error(
                    "content signal files rejected; keeping the previous ones",
                    metadata: [LogKey.source: "\(source.name)", LogKey.problem: "\(error)"])
                return .rejected(source.name, problem: "\(error)")
            }
        }
    }

    private static func contents(_ source: Source) -> [Data?] {
        source.files.map { FileManager.default.contents(atPath: $0) }
    }

    private enum LogKey {
        static let source = "source"
        static let problem = "problem"
    }
}
