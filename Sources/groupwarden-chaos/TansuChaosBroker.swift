import Foundation
import Warden

/// Tansu, the independent Kafka-compatible broker, as a child process: memory storage, or S3
/// served by a local `moto_server` so the broker survives its own kill -9 (and then the audit's
/// ground truth is what it still holds).
final class TansuChaosBroker: ChaosBroker {
    let tansu: String
    let port: Int
    let storage: String
    let environment: [String: String]
    let folder: String
    let bootstrapServers: String
    /// Tansu's group coordinator holds every JoinGroup for half the session timeout: keep it short.
    let clientProperties = ["session.timeout.ms": "3000", "heartbeat.interval.ms": "1000"]
    let faults: [Fault]
    private let moto: ChildProcess?
    private let broker = LockedBox<ChildProcess?>(nil)
    private let restarts = LockedBox(0)

    /// Starts moto (for `s3`) and the broker.
    init(tansu: String, motoServer: String?, folder: String) async throws {
        self.tansu = tansu
        self.folder = folder
        port = try freePort()
        bootstrapServers = "127.0.0.1:\(port)"
        if let motoServer {
            let motoPort = try freePort()
            moto = try ChildProcess(
                name: "moto", executable: motoServer, arguments: ["-H", "127.0.0.1", "-p", "\(motoPort)"],
                environment: [:], logPath: folder + "/moto.log")
            try await waitForPort(motoPort, timeout: .seconds(30), what: "moto_server")
            _ = try await runCommand("/usr/bin/curl", ["-sf", "-X", "PUT", "http://127.0.0.1:\(motoPort)/tansu"])
            environment = [
                "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ENDPOINT": "http://127.0.0.1:\(motoPort)", "AWS_ALLOW_HTTP": "true",
            ]
            storage = "s3://tansu/"
            faults = [.killBroker]
        } else {
            moto = nil
            environment = [:]
            storage = "memory://tansu/"
            faults = []
        }
        try await start()
    }

    private func start() async throws {
        let incarnation = restarts.withLock { value -> Int in
            value += 1
            return value
        }
        let url = "tcp://127.0.0.1:\(port)"
        let process = try ChildProcess(
            name: "tansu", executable: tansu,
            arguments: [
                "broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", storage,
            ],
            environment: environment, logPath: folder + "/tansu-\(incarnation).log")
        broker.withLock { $0 = process }
        try await waitForPort(port, timeout: .seconds(30), what: "tansu")
    }

    func createTopic(_ name: String, partitions: Int) async throws {
        _ = try await runCommand(
            tansu,
            ["topic", "create", name, "--broker", "tcp://127.0.0.1:\(port)", "--partitions", "\(partitions)"],
            environment: environment)
    }

    func inflict(_ fault: Fault, random: inout SplitMix64) async throws -> String {
        guard fault == .killBroker, moto != nil else { return "tansu: \(fault) not supported" }
        broker.withLock { $0 }?.kill9()
        try await Task.sleep(for: .seconds(1))
        try await start()
        return "tansu killed (-9) and restarted on its S3 storage"
    }

    func shutdown() async {
        broker.withLock { $0 }?.kill9()
        moto?.kill9()
    }
}
