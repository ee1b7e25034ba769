import Escalation
import Foundation
import KafkaClient
import Ledger
import Logging
import Prometheus
import ServiceLifecycle

/// `groupwarden demo`: an embedded Kafka, a SQLite ledger in a temporary folder, the default
/// rule pack, a whole GroupWarden, and a simulated platform, with deadlines of seconds.
public enum DemoRun {
    public struct Options: Sendable {
        public var messages = 2000
        public var rate = 150.0
        public var seconds = 45.0
        public var seed: UInt64 = 42
        public var rulePack = "rules/default.yaml"
        public var reportGroup = "g-2"

        public init() {}
    }

    /// Runs the demo, printing progress to `output`, and returns the final tally.
    @discardableResult
    public static func run(_ options: Options, output: @escaping @Sendable (String) -> Void) async throws -> DemoTally {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "groupwarden-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logPath = folder.appendingPathComponent("groupwarden.log.jsonl").path
        let registry = Observability.bootstrap(level: "info", format: "json", sink: try .file(logPath))
        let logger = Logger(label: "groupwarden.demo")

        let kafka = try EmbeddedKafka(brokers: 1, logger: logger)
        let config = try await ConfigurationLoader(overrides: [
            "kafka.bootstrap_servers": kafka.bootstrapServers,
            "kafka.properties": "session.timeout.ms=6000,heartbeat.interval.ms=1000",
            "ledger.url": "sqlite://" + folder.appendingPathComponent("ledger.sqlite").path,
            "classification.rule_packs": options.rulePack,
            "deadlines.owner.low": "8s", "deadlines.owner.medium": "6s", "deadlines.owner.high": "5s",
            "deadlines.owner.critical": "4s", "deadlines.provider": "6s",
            "group_alert.window": "30s", "group_alert.min_flagged": "8", "group_alert.flagged_share": "0.3",
            "scheduler.poll_interval": "200ms", "admin.port": "0", "worker.id": "demo-worker",
            "actions.signing_key": "demo-signing-key",
        ]).load()
        for topic in [
            config.topics.messages, config.topics.actions, config.topics.flags, config.topics.notices,
            config.topics.escalations, config.topics.groupAlerts, config.topics.dlq,
        ] {
            try kafka.createTopic(topic, partitions: 8)
        }
        output("GroupWarden demo: embedded Kafka at \(kafka.bootstrapServers), ledger and logs in \(folder.path)\n")
        output("JSON log stream: \(logPath)\n")

        let app = try await WardenApplication.build(config: config, registry: registry, logger: logger)
        let scenario = DemoScenario(seed: options.seed, messageCount: options.messages)
        let platform = try DemoPlatform(
            scenario: scenario, topics: config.topics, bootstrap: kafka.bootstrapServers,
            signingKey: Array("demo-signing-key".utf8), logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: app.services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigint], logger: logger))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask { try await platform.watch(actionDelay: .seconds(1)) }
            tasks.addTask { try await platform.sendTraffic(rate: options.rate) }
            while ContinuousClock.now - start < .seconds(options.seconds) {
                try await Task.sleep(for: .seconds(1))
                let elapsed = (ContinuousClock.now - start).seconds
                output(platform.tally.withLock { $0.progressLine(elapsed: elapsed) } + "\n")
            }
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
            while let _ = try? await tasks.next() {}
        }
        let tally = platform.tally.withLock { $0 }
        output(tally.summary())
        let report = DiligenceReport(
            groupID: options.reportGroup, flags: try await app.store.flags(groupID: options.reportGroup))
        output("\n" + report.table())
        output(
            "\nThe ledger stays at \(folder.path)/ledger.sqlite: groupwarden ledger report --ledger sqlite://\(folder.path)/ledger.sqlite --group g-1\n"
        )
        return tally
    }
}
