import Dispatch
import Foundation
import GRDB
import Synchronization

/// Moves SQLite's WAL checkpoints off the write path. With SQLite's automatic checkpoint, the
/// commit that crosses 1,000 WAL pages copies them into the database file and syncs it before
/// the commit returns, while every other write waits behind it: in 10-minute load runs those were
/// stalls of 0.3–1.1 s. The store turns the automatic checkpoint off and this runs a PASSIVE
/// checkpoint on its own connection, on a background thread, at most once per `interval` after
/// writes; writers go on appending to the WAL meanwhile (a passive checkpoint never blocks them).
final class SQLiteCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let interval: Duration
    private let state: Mutex<(running: Bool, last: ContinuousClock.Instant)>
    private let queue = DispatchQueue(label: "groupwarden.sqlite-checkpoint")

    init(path: String, interval: Duration = .seconds(1)) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
        state = Mutex((false, ContinuousClock.now))
    }

    /// Called after writes commit: starts a checkpoint in the background when none is running and
    /// the last one is `interval` old. Returns at once.
    func wroteToLog() {
        let now = ContinuousClock.now
        let start = state.withLock { state -> Bool in
            if state.running { return false }
            if now - state.last < interval { return false }
            state.running = true
            return true
        }
        guard start else { return }
        queue.async {
            _ = try? self.checkpointNow()
            self.state.withLock { $0 = (false, ContinuousClock.now) }
        }
    }

    /// One passive checkpoint, here and now: the WAL's frames and how many are in the database.
    @discardableResult
    func checkpointNow() throws -> (walFrames: Int, checkpointed: Int) {
        try connection.inDatabase { db in
            let result = try db.checkpoint(.passive)
            return (result.walFrameCount, result.checkpointedFrameCount)
        }
    }
}
