import Foundation
import Warden

/// The GroupWarden worker processes of a chaos run: `groupwarden run` with every role, one
/// consumer group, one PostgreSQL ledger. Each incarnation logs to its own file.
final class WorkerFleet: Sendable {
    let executable: String
    let folder: String
    let environment: [String: String]
    private let workers = LockedBox<[ChildProcess]>([])
    private let started = LockedBox(0)

    init(executable: String, folder: String, environment: [String: String]) {
        self.executable = executable
        self.folder = folder
        self.environment = environment
    }

    var running: Int { workers.withLock { $0.filter(\.isRunning).count } }

    /// Every log file written so far.
    var logPaths: [String] {
        let count = started.withLock { $0 }
        return (1...max(1, count)).map { folder + "/worker-\($0).log" }.filter {
            FileManager.default.fileExists(atPath: $0)
        }
    }

    /// Starts one more worker.
    @discardableResult
    func add() throws -> String {
        let number = started.withLock { value -> Int in
            value += 1
            return value
        }
        let name = "worker-\(number)"
        var environment = self.environment
        environment["GROUPWARDEN_WORKER_ID"] = name
        let process = try ChildProcess(
            name: name, executable: executable, arguments: ["run"], environment: environment,
            logPath: folder + "/\(name).log")
        workers.withLock { $0.append(process) }
        return name
    }

    /// kill -9 a random worker and start a replacement; returns what happened.
    func killOne(random: inout SplitMix64) async throws -> String {
        let victims = workers.withLock { $0.filter(\.isRunning) }
        guard !victims.isEmpty else { return "no worker to kill" }
        let victim = random.pick(victims)
        victim.kill9()
        workers.withLock { list in list.removeAll { $0 === victim } }
        try await Task.sleep(for: .seconds(1))
        let replacement = try add()
        return "killed \(victim.name) (-9), started \(replacement)"
    }

    /// Below `high` workers: start one; otherwise stop (SIGTERM) the oldest.
    func rebalance(high: Int) async throws -> String {
        let live = workers.withLock { $0.filter(\.isRunning) }
        if live.count < high { return "rebalance: started \(try add())" }
        guard let oldest = live.first else { return "no worker" }
        await oldest.stop()
        workers.withLock { list in list.removeAll { $0 === oldest } }
        return "rebalance: stopped \(oldest.name) (SIGTERM)"
    }

    /// Two workers join, then the two oldest leave before the group has settled.
    func storm() async throws -> String {
        let joined = [try add(), try add()]
        try await Task.sleep(for: .seconds(2))
        let leaving = Array(workers.withLock { $0.filter(\.isRunning) }.prefix(2))
        await withTaskGroup(of: Void.self) { group in
            for worker in leaving { group.addTask { await worker.stop() } }
        }
        workers.withLock { list in list.removeAll { worker in leaving.contains { $0 === worker } } }
        return
            "rebalance storm: started \(joined.joined(separator: ", ")), stopped \(leaving.map(\.name).joined(separator: ", "))"
    }

    /// Tops the fleet up to `count` running workers.
    func ensure(_ count: Int) throws {
        workers.withLock { list in list.removeAll { !$0.isRunning } }
        while running < count { try add() }
    }

    func stopAll() async {
        for worker in workers.withLock({ $0 }) { await worker.stop() }
    }
}
