import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Reloads a `RuleClassifier`'s rule pack when its files change (polled) or on SIGHUP.
///
/// A pack that fails to load or compile is logged with its problems and the classifier keeps
/// the pack it had. Logs carry pack versions and problem locations, never message text.
public final class RulePackWatcher: Service, Sendable {
    /// What one check did.
    public enum Outcome: Sendable, Equatable {
        case unchanged
        /// The new pack is in use; its `packVersion`.
        case reloaded(String)
        /// The files changed but the new pack was rejected; the old one stays.
        case rejected([RulePackProblem])
    }

    private let classifier: RuleClassifier
    private let files: [String]
    private let pollInterval: Duration
    private let reloadOnSIGHUP: Bool
    private let logger: Logger
    /// Contents of the files the classifier's pack was last built (or attempted) from.
    private let lastContents: Mutex<[Data?]>

    /// `files` must be the files `classifier` was built from.
    public init(
        classifier: RuleClassifier, files: [String], pollInterval: Duration = .seconds(2), reloadOnSIGHUP: Bool = true,
        logger: Logger
    ) {
        self.classifier = classifier
        self.files = files
        self.pollInterval = pollInterval
        self.reloadOnSIGHUP = reloadOnSIGHUP
        self.logger = logger
        lastContents = Mutex(files.map { FileManager.default.contents(atPath: $0) })
    }

    /// Polls until graceful shutdown or cancellation; reloads on change and on SIGHUP.
    public func run() async throws {
        try await runReloadLoop(pollInterval: pollInterval, reloadOnSIGHUP: reloadOnSIGHUP) { force in
            _ = self.reload(force: force)
        }
    }

    /// Checks the files now; reloads when they changed (or always, with `force`).
    @discardableResult
    public func reload(force: Bool) -> Outcome {
        let contents = files.map { FileManager.default.contents(atPath: $0) }
        let changed = lastContents.withLock { last in
            defer { last = contents }
            return last != contents
        }
        guard changed || force else { return .unchanged }
        do {
            try classifier.reload(ruleFiles: files)
            let version = classifier.packVersion
            logger.info("rule pack reloaded", metadata: [LogKey.packVersion: "\(version)"])
            return .reloaded(version)
        } catch {
            logger.error(
                "rule pack rejected; keeping the previous one",
                metadata: [
                    LogKey.packVersion: "\(classifier.packVersion)",
                    LogKey.problems: .array(error.problems.prefix(20).map { .string($0.description) }),
                ])
            return .rejected(error.problems)
        }
    }

    private enum LogKey {
        static let packVersion = "pack_version"
        static let problems = "problems"
    }
}
