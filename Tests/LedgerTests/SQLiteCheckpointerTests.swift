import Escalation
import Foundation
import GRDB
import Logging
import Testing

@testable import Ledger

/// The store's writes leave the WAL to the background checkpointer: SQLite's automatic
/// checkpoint is off on the store's connections, and a checkpoint on the checkpointer's own
/// connection moves every logged page into the database file.
@Suite struct SQLiteCheckpointerTests {
    @Test func writesStayInTheLogUntilTheCheckpointerMovesThem() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ledger.sqlite").path
        // No background checkpoint during the test: the test runs them.
        let store = try SQLiteLedgerStore(path: path, checkpointInterval: .seconds(3_600), logger: Logger(label: "t"))
        try await store.migrate()
        let checkpointer = try #require(store.checkpointer)
        try checkpointer.checkpointNow()
        // 1,200 pages of statistics: past SQLite's automatic threshold of 1,000.
        let filler = String(repeating: "x", count: 3_000)
        for index in 0..<1_200 {
            _ = try await store.write(
                LedgerChange(
                    flag: nil, expectedVersion: nil, events: [],
                    groupActivity: GroupActivity(groupID: "\(filler)-\(index)")))
        }
        let (walFrames, checkpointed) = try checkpointer.checkpointNow()
        #expect(walFrames >= 1_200, "no automatic checkpoint reset the log on the way")
        #expect(checkpointed == walFrames)
        #expect(try await store.groupActivity("\(filler)-7") == GroupActivity(groupID: "\(filler)-7"))
    }
}
