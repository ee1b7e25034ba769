import Escalation
import Foundation
import Ledger
import Testing

@testable import Warden

/// What the first message of a group costs a worker that has not cached it: one read of the
/// group's stored snapshot and statistics, and a snapshot write only when the snapshot changed.
@Suite struct GroupStateLoadingTests {
    typealias Counts = CountingLedgerStore.Counts

    static func counting(_ folder: URL? = nil) async throws -> (CleanMessageFastPathTests.Pipeline, CountingLedgerStore)
    {
        var counting: CountingLedgerStore?
        let pipeline = try await CleanMessageFastPathTests.pipeline(folder: folder) { inner in
            let store = CountingLedgerStore(inner)
            counting = store
            return store
        }
        return (pipeline, counting!)
    }

    @Test func aNewGroupCostsOneReadAndOneSnapshotWrite() async throws {
        let (pipeline, store) = try await Self.counting()
        defer { try? FileManager.default.removeItem(at: pipeline.folder) }
        #expect(try await pipeline.send(id: "m-0") == false)
        #expect(store.current == Counts(groupState: 1, saveGroupSnapshot: 1))
        #expect(try await pipeline.send(id: "m-1") == true, "cached from then on")
        #expect(store.current == Counts(groupState: 1, saveGroupSnapshot: 1))
    }

    @Test func aWorkerStartingOnAKnownGroupReadsItOnceAndRewritesNothing() async throws {
        let (first, _) = try await Self.counting()
        defer { try? FileManager.default.removeItem(at: first.folder) }
        for index in 0..<25 { try await first.send(id: "a-\(index)") }
        #expect(try await first.storedMessages() == 25)

        // A second worker (a restart, or the partition moved to it) on the same ledger.
        let (second, store) = try await Self.counting(first.folder)
        #expect(try await second.send(id: "b-0") == false)
        #expect(store.current == Counts(groupState: 1), "one read, and the unchanged snapshot is not written")
        for index in 1..<25 { try await second.send(id: "b-\(index)") }
        #expect(store.current == Counts(groupState: 1))
        #expect(try await second.storedMessages() == 50, "the statistics it read carried on")
    }

    @Test func aGroupThatChangedWhileUncachedIsWritten() async throws {
        let (first, _) = try await Self.counting()
        defer { try? FileManager.default.removeItem(at: first.folder) }
        try await first.send(id: "a-0")
        let (second, store) = try await Self.counting(first.folder)
        try await second.send(id: "b-0", members: 41)
        #expect(store.current == Counts(groupState: 1, saveGroupSnapshot: 1))
        #expect(try await second.store.groupSnapshot("g-1")?.memberCount == 41)
    }

    @Test func aFailedSnapshotWriteIsTriedAgainByTheNextAttempt() async throws {
        let (pipeline, store) = try await Self.counting()
        defer { try? FileManager.default.removeItem(at: pipeline.folder) }
        store.failingSnapshotWrites.withLock { $0 = 1 }
        await #expect(throws: LedgerError.self) { try await pipeline.send(id: "m-0") }
        #expect(try await pipeline.send(id: "m-0") == false, "the retry takes the full path again")
        #expect(store.current.saveGroupSnapshot == 2)
        #expect(try await store.groupSnapshot("g-1")?.ownerID == "u-1")
    }
}
