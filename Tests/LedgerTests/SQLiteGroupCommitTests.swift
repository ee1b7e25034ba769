import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Ledger

/// Writes that arrive while a transaction runs share the next one; each keeps its own outcome.
@Suite struct SQLiteGroupCommitTests {
    struct Broken: Error {}

    /// A database with one table, a group commit that records its transaction sizes, and a
    /// first write held inside its transaction until the test opens the gate.
    final class Fixture: Sendable {
        let database: DatabaseQueue
        let commit: SQLiteGroupCommit
        /// The number of writes in each transaction, in order.
        final class Sizes: Sendable {
            let value = Mutex<[Int]>([])
        }
        let sizes = Sizes()
        let gate = DispatchSemaphore(value: 0)

        init() throws {
            database = try DatabaseQueue()
            try database.write { try $0.execute(sql: "CREATE TABLE rows (id TEXT PRIMARY KEY)") }
            let sizes = self.sizes
            commit = SQLiteGroupCommit(database: database) { count in sizes.value.withLock { $0.append(count) } }
        }

        static func insert(_ id: String) -> SQLiteGroupCommit.Work {
            { db in
                try db.execute(sql: "INSERT INTO rows(id) VALUES (?) ON CONFLICT DO NOTHING", arguments: [id])
                if db.changesCount == 0 { throw ConflictSignal() }
                return .applied
            }
        }

        /// Starts a write that blocks the writer until `gate` is signalled; returns once it is inside.
        func holdTheWriter() async -> Task<LedgerWriteResult, any Error> {
            await withCheckedContinuation { (entered: CheckedContinuation<Task<LedgerWriteResult, any Error>, Never>) in
                let gate = self.gate
                let signalEntered = Mutex<(@Sendable () -> Void)?>(nil)
                let task = Task {
                    try await self.commit.write { db in
                        signalEntered.withLock { $0 }?()
                        gate.wait()
                        return try Self.insert("held")(db)
                    }
                }
                signalEntered.withLock { $0 = { entered.resume(returning: task) } }
            }
        }

        var rows: [String] {
            (try? database.read { try String.fetchAll($0, sql: "SELECT id FROM rows ORDER BY id") }) ?? []
        }
    }

    @Test func writesQueuedDuringATransactionCommitTogetherEachWithItsOwnOutcome() async throws {
        let fixture = try Fixture()
        try await fixture.database.write { try $0.execute(sql: "INSERT INTO rows(id) VALUES ('taken')") }
        let held = await fixture.holdTheWriter()

        let outcomes = Mutex<[String: Result<LedgerWriteResult, any Error>]>([:])
        let allDone = AsyncStream<Void>.makeStream()
        let expected = 5
        let record = { @Sendable (name: String) in
            { @Sendable (outcome: Result<LedgerWriteResult, any Error>) in
                let done = outcomes.withLock { outcomes -> Bool in
                    outcomes[name] = outcome
                    return outcomes.count == expected
                }
                if done { allDone.continuation.finish() }
            }
        }
        fixture.commit.submit(Fixture.insert("a"), completion: record("a"))
        fixture.commit.submit(Fixture.insert("taken"), completion: record("conflict"))
        fixture.commit.submit(
            { db in
                try db.execute(sql: "INSERT INTO rows(id) VALUES ('undone')")
                throw Broken()
            }, completion: record("broken"))
        fixture.commit.submit(
            { db in
                try db.execute(sql: "INSERT INTO nowhere VALUES (1)"); return .applied
            }, completion: record("bad sql"))
        fixture.commit.submit(Fixture.insert("b"), completion: record("b"))
        fixture.gate.signal()

        #expect(try await held.value == .applied)
        for await _ in allDone.stream {}
        let results = outcomes.withLock { $0 }
        #expect(try results["a"]?.get() == .applied)
        #expect(try results["b"]?.get() == .applied)
        #expect(try results["conflict"]?.get() == .conflict)
        #expect(throws: Broken.self) { try results["broken"]?.get() }
        #expect(throws: DatabaseError.self) { try results["bad sql"]?.get() }
        // The held write ran alone; the five queued behind it shared one transaction, and only
        // the ones that applied left rows.
        #expect(fixture.sizes.value.withLock { $0 } == [1, 5])
        #expect(fixture.rows == ["a", "b", "held", "taken"])
    }

    @Test func aLoneWriteCommitsWithoutWaitingForCompany() async throws {
        let fixture = try Fixture()
        #expect(try await fixture.commit.write(Fixture.insert("solo")) == .applied)
        #expect(try await fixture.commit.write(Fixture.insert("solo")) == .conflict)
        #expect(fixture.sizes.value.withLock { $0 } == [1, 1])
        #expect(fixture.rows == ["solo"])
    }
}
