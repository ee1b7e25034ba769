import GRDB
import Synchronization

/// Group commit for SQLite's single writer: writes that arrive while a transaction is running
/// wait and then go in the next transaction together, each inside its own savepoint, so that a
/// burst of concurrent records costs one commit (and one WAL sync) instead of one each.
///
/// A write whose own statements fail (or that signals a conflict) rolls back its savepoint only;
/// the others in its transaction still commit. A failed commit fails every write in it.
final class SQLiteGroupCommit: Sendable {
    typealias Work = @Sendable (Database) throws -> LedgerWriteResult

    typealias Completion = @Sendable (Result<LedgerWriteResult, any Error>) -> Void

    private struct Waiting: Sendable {
        let work: Work
        let completion: Completion
    }

    private struct State {
        var waiting: [Waiting] = []
        var committing = false
    }

    /// Most writes in one transaction: bounds how long the writer lock is held.
    static let maxBatch = 256

    private let database: any DatabaseWriter
    private let state = Mutex(State())
    /// Told the number of writes in each transaction before it runs (metrics, tests).
    private let willCommit: @Sendable (Int) -> Void
    /// Told after each transaction (the WAL checkpointer).
    private let didCommit: @Sendable () -> Void

    init(
        database: any DatabaseWriter, willCommit: @escaping @Sendable (Int) -> Void = { _ in },
        didCommit: @escaping @Sendable () -> Void = {}
    ) {
        self.database = database
        self.willCommit = willCommit
        self.didCommit = didCommit
    }

    /// Runs `work` in the next group transaction and returns its result once that commits.
    func write(_ work: @escaping Work) async throws -> LedgerWriteResult {
        try await withCheckedThrowingContinuation { continuation in
            submit(work) { continuation.resume(with: $0) }
        }
    }

    /// Queues `work` for the next group transaction and returns at once; `completion` gets its
    /// result after that transaction commits (or fails).
    func submit(_ work: @escaping Work, completion: @escaping Completion) {
        let lead = state.withLock { state -> Bool in
            state.waiting.append(Waiting(work: work, completion: completion))
            if state.committing { return false }
            state.committing = true
            return true
        }
        if lead { Task { await self.commitLoop() } }
    }

    /// Commits what is waiting, again and again, until nothing is; stops in the same critical
    /// section that finds nothing, so no write is left without a committer.
    private func commitLoop() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                guard !state.waiting.isEmpty else {
                    state.committing = false
                    return []
                }
                let count = min(Self.maxBatch, state.waiting.count)
                defer { state.waiting.removeFirst(count) }
                return Array(state.waiting.prefix(count))
            }
            if batch.isEmpty { return }
            willCommit(batch.count)
            let outcomes: [Result<LedgerWriteResult, any Error>]
            do {
                outcomes = try await database.write { db in batch.map { Self.apply($0.work, in: db) } }
            } catch {
                outcomes = batch.map { _ in .failure(error) }
            }
            didCommit()
            for (waiting, outcome) in zip(batch, outcomes) { waiting.completion(outcome) }
        }
    }

    /// One write inside its own savepoint: kept when it applied, undone otherwise.
    private static func apply(_ work: Work, in db: Database) -> Result<LedgerWriteResult, any Error> {
        var result = LedgerWriteResult.applied
        do {
            try db.inSavepoint {
                result = try work(db)
                return result == .applied ? .commit : .rollback
            }
            return .success(result)
        } catch is ConflictSignal {
            return .success(.conflict)
        } catch {
            return .failure(error)
        }
    }
}
