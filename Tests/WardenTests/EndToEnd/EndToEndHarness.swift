import Escalation
import Foundation
import KafkaClient
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

@testable import Warden

/// A whole GroupWarden on an embedded Kafka and a SQLite ledger, with a platform script that
/// produces contract JSON and reads every output topic. Time is a manual clock the test moves.
final class EndToEndHarness: Sendable {
    final class ManualTime: Sendable {
        private let value = Mutex(Date(timeIntervalSince1970: 1_795_338_000))
        var now: Date { value.withLock { $0 } }
        func advance(_ seconds: Double) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    struct Output: Sendable {
        var topic: String
        var key: String
        var type: String?
        var data: [String: String]
        var headers: [String: String]
    }

    static let signingKey = "e2e-key"
    let kafka: EmbeddedKafka
    let config: WardenConfiguration
    let time = ManualTime()
    let producer: KafkaProducer
    let outputs = Mutex<[Output]>([])
    let logger: Logger
    /// Every line the worker logged, as the JSON log stream writes it (debug level and up).
    private let logSink: LogLines
    var logLines: [String] { logSink.lines }
    private let tasks = Mutex<[Task<Void, any Error>]>([])
    private let groups = Mutex<[ServiceGroup]>([])

    init() async throws {
        let lines = LogLines()
        logger = Logger(label: "e2e") { label in
            JSONLogHandler(label: label, level: .debug, sink: .init { bytes in lines.append(bytes) })
        }
        logSink = lines
        kafka = try EmbeddedKafka(brokers: 1, logger: logger)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        config = try await ConfigurationLoader(overrides: [
            "kafka.bootstrap_servers": kafka.bootstrapServers,
            "kafka.properties": "session.timeout.ms=6000,heartbeat.interval.ms=1000",
            "ledger.url": "sqlite://" + folder.appendingPathComponent("ledger.sqlite").path,
            "classification.rule_packs": Self.repoFile("rules/default.yaml"),
            "scheduler.poll_interval": "100ms", "admin.port": "0", "actions.signing_key": Self.signingKey,
            "group_alert.min_flagged": "5", "pool.retry_base": "20ms", "pool.max_attempts": "3",
        ]).load()
        for topic in [
            config.topics.messages, config.topics.actions, config.topics.flags, config.topics.notices,
            config.topics.escalations, config.topics.groupAlerts, config.topics.dlq,
        ] {
            try kafka.createTopic(topic, partitions: 4)
        }
        producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: kafka.bootstrapServers), logger: logger)
    }

    static func repoFile(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(path).path
    }

    /// Starts one worker with every role (or those given) and the output reader.
    func startWorker(id: String = "w1", roles: String = "classify,actions,scheduler") async throws {
        var worker = config
        worker.workerID = id
        worker.roles = Set(roles.split(separator: ",").compactMap { WardenConfiguration.Role(rawValue: String($0)) })
        let app = try await WardenApplication.build(
            config: worker, registry: PrometheusCollectorRegistry(), logger: logger, now: { [time] in time.now })
        let group = ServiceGroup(
            configuration: .init(services: app.services.map { .init(service: $0) }, logger: logger))
        groups.withLock { $0.append(group) }
        tasks.withLock { $0.append(Task { try await group.run() }) }
    }

    func startReader() throws {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(
                bootstrapServers: kafka.bootstrapServers,
                ["group.id": "e2e-reader", "session.timeout.ms": "6000", "heartbeat.interval.ms": "1000"]),
            logger: logger)
        try consumer.subscribe(
            topics: [
                config.topics.flags, config.topics.notices, config.topics.escalations, config.topics.groupAlerts,
                config.topics.dlq,
            ],
            listener: nil)
        let executor = BlockingExecutor(name: "e2e-reader")
        tasks.withLock {
            $0.append(
                Task { [self] in
                    defer {
                        _ = try? consumer.close()
                        executor.shutdown()
                    }
                    while !Task.isCancelled {
                        let records = try await executor.run {
                            try consumer.poll(maxRecords: 100, timeout: .milliseconds(100))
                        }
                        let decoded = records.map(Self.decode)
                        self.outputs.withLock { $0 += decoded }
                    }
                })
        }
    }

    static func decode(_ record: KafkaRecord) -> Output {
        let object = (try? JSONSerialization.jsonObject(with: Data(record.value ?? []))) as? [String: Any]
        var data: [String: String] = [:]
        for (key, value) in (object?["data"] as? [String: Any]) ?? [:] { data[key] = "\(value)" }
        var headers: [String: String] = [:]
        for header in record.headers { headers[header.key] = String(decoding: header.value ?? [], as: UTF8.self) }
        return Output(
            topic: record.topic, key: String(decoding: record.key ?? [], as: UTF8.self),
            type: object?["type"] as? String,
            data: data, headers: headers)
    }

    func stop() async {
        for group in groups.withLock({ $0 }) { await group.triggerGracefulShutdown() }
        for task in tasks.withLock({ $0 }) {
            task.cancel()
            _ = try? await task.value
        }
    }

    // MARK: The platform script

    func sendMessage(
        id: String, group: String, sender: String, owner: String?, members: Int = 50, kind: String = "group",
        text: String
    ) async throws {
        let object: [String: Any] = [
            "message_id": id, "group_id": group, "sender_id": sender, "sent_at": "2026-11-22T09:00:00Z", "text": text,
            "group": [
                "owner_id": owner as Any? ?? NSNull(), "admin_ids": ["admin-\(group)"], "member_count": members,
                "kind": kind,
            ],
        ]
        _ = try await producer.send(
            topic: config.topics.messages, key: Array(group.utf8),
            value: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    /// Sends `json` as it is to the messages topic.
    func sendRaw(_ json: String, key: String) async throws {
        _ = try await producer.send(topic: config.topics.messages, key: Array(key.utf8), value: Array(json.utf8))
    }

    func sendAction(
        id: String, flagID: String, group: String, actor: String, role: ActorRole, action: ActionKind,
        forge: Bool = false
    ) async throws {
        var claim = ActionClaim(
            actionID: id, flagID: flagID, messageID: nil, groupID: group, actorID: actor, claimedRole: role,
            action: action,
            at: nil, atText: nil, signature: nil)
        let signature = claim.signature(key: Array((forge ? "wrong-key" : Self.signingKey).utf8))
        claim.signature = signature
        let object: [String: Any] = [
            "action_id": id, "flag_id": flagID, "group_id": group, "actor_id": actor, "actor_role": role.rawValue,
            "action": action.rawValue, "signature": signature,
        ]
        _ = try await producer.send(
            topic: config.topics.actions, key: Array(group.utf8),
            value: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    /// Waits (bounded) until `condition` holds over the outputs read so far.
    func waitFor(
        _ what: String, timeout: Duration = .seconds(60), _ condition: @Sendable ([Output]) -> Bool
    ) async throws -> [Output] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let seen = outputs.withLock { $0 }
            if condition(seen) { return seen }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what); saw \(outputs.withLock { $0.map { $0.type ?? $0.topic } })")
        throw CancellationError()
    }

    func events(_ type: String, flag: String) -> @Sendable ([Output]) -> Bool {
        { outputs in outputs.contains { $0.type == type && $0.data["flag_id"] == flag } }
    }
}

/// Collects the log stream's lines for the tests that read it.
final class LogLines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ bytes: [UInt8]) { storage.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
    var lines: [String] { storage.withLock { $0 } }
}
