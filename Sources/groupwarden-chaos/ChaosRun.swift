import Escalation
import Foundation
import KafkaClient
import Ledger
import Logging
import Warden

/// One chaos run: set up, traffic under faults, settle, audit, clean up.
struct ChaosRun {
    /// The workers' consumer group.
    static let workerGroup = "groupwarden-chaos"

    struct Options {
        var broker: String
        var workers: Int
        var seconds: Double
        var rate: Double
        var faultInterval: Double
        var faults: [Fault]?
        var seed: UInt64
        var groups: Int
        var partitions: Int
        var groupwarden: String
        var tansu: String?
        var motoServer: String?
        var rules: String
        var settleTimeout: Double
        var keep: Bool
    }

    let options: Options
    let logger = Logger(label: "groupwarden.chaos")
    let topics = WardenConfiguration.Topics.chaos
    static let signingKey = "chaos-signing-key"

    /// Runs it; true when the audit and the log-privacy check pass.
    func run() async throws -> Bool {
        let environment = ProcessInfo.processInfo.environment
        guard let postgres = environment["GROUPWARDEN_TEST_POSTGRES_URL"] else {
            throw HarnessError("GROUPWARDEN_TEST_POSTGRES_URL is not set: run under scripts/with-postgres")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "groupwarden-chaos-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        say(
            "chaos run: broker \(options.broker), \(options.workers) workers, \(options.rate)/s for \(options.seconds) s, seed \(options.seed); logs in \(folder)"
        )

        let database = "chaos_\(options.seed)_\(UInt32.random(in: 0...UInt32.max))"
        _ = try await runCommand("/usr/bin/psql", [postgres, "-qc", "CREATE DATABASE \(database)"])
        guard let slash = postgres.lastIndex(of: "/") else { throw HarnessError("bad PostgreSQL URL \(postgres)") }
        let ledgerURL = postgres[..<slash] + "/" + database
        let store = try PostgresLedgerStore(url: ledgerURL, logger: logger)
        try await store.migrate()

        let broker = try await makeBroker(folder: folder)
        for topic in [topics.messages, topics.actions] {
            try await broker.createTopic(topic, partitions: options.partitions)
        }
        for topic in [topics.flags, topics.notices, topics.escalations, topics.groupAlerts, topics.dlq] {
            try await broker.createTopic(topic, partitions: 4)
        }
        say("broker at \(broker.bootstrapServers)")

        let fleet = WorkerFleet(
            executable: options.groupwarden, folder: folder,
            environment: workerEnvironment(bootstrap: broker.bootstrapServers, broker: broker, ledgerURL: ledgerURL))
        try fleet.ensure(options.workers)

        let traffic = ChaosTraffic(seed: options.seed, groups: options.groups)
        let driver = try TrafficDriver(
            bootstrap: broker.bootstrapServers, properties: broker.clientProperties, topics: topics,
            signingKey: Array(Self.signingKey.utf8), logger: logger)
        let diligent = Dictionary(
            uniqueKeysWithValues: traffic.groups.filter { $0.behaviour == .diligent }.map { ($0.id, $0.ownerID ?? "") })
        let faults = (options.faults ?? [.killWorker, .rebalance, .storm, .restartPostgres] + broker.faults)
        let report: ChaosReport
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    try await driver.answerNotices(
                        bootstrap: broker.bootstrapServers, properties: broker.clientProperties,
                        diligentGroups: diligent)
                }
                let faultTask = Task {
                    try await inflictFaults(faults, fleet: fleet, broker: broker)
                }
                try await driver.send(traffic: traffic, rate: options.rate, duration: .seconds(options.seconds))
                faultTask.cancel()
                _ = try? await faultTask.value
                say("traffic done: \(driver.sent.withLock { $0.count }) records sent; faults stopped")
                try fleet.ensure(options.workers)
                try await settle(store: store, groups: traffic.groups.map(\.id), sent: driver.sent.withLock { $0 })
                tasks.cancelAll()
            }
            let collector = AuditCollector(
                bootstrap: broker.bootstrapServers, properties: broker.clientProperties, topics: topics,
                workerGroup: Self.workerGroup, partitions: options.partitions, logger: logger)
            var audit = try await collector.audit(
                sent: driver.sent.withLock { $0 }, groups: traffic.groups.map(\.id), store: store)
            audit.forgedActions = driver.forged.withLock { $0 }
            if options.broker == "tansu-s3" {
                // This broker loses acknowledged records when killed: a refusal the worker saw
                // acknowledged but the DLQ no longer holds is the broker's loss.
                let offsets = driver.forgedOffsets.withLock { $0 }
                let acknowledged = DeadLetterLogScan(
                    paths: fleet.logPaths, topic: topics.actions, reason: "bad_signature"
                ).acknowledged()
                audit.refusalsAcknowledgedButLost = Set(acknowledged.compactMap { offsets[$0] })
                let heldAt = Dictionary(
                    audit.held.map { ("\($0.partition):\($0.offset)", $0.sentID) },
                    uniquingKeysWith: { first, _ in first })
                let malformed = DeadLetterLogScan(paths: fleet.logPaths, topic: topics.messages, reason: "decode:")
                    .acknowledged()
                audit.deadLettersAcknowledgedButLost = Set(malformed.compactMap { heldAt[$0] })
                // Likewise an output event the ledger records as acknowledged, at an offset.
                audit.acknowledgedEvents = try await collector.acknowledgedEvents(store: store)
            }
            audit.impostor = TrafficDriver.impostor
            report = audit.report()
        } catch {
            await fleet.stopAll()
            await broker.shutdown()
            throw error
        }
        await fleet.stopAll()
        await broker.shutdown()
        let privacy = LogPrivacyCheck(paths: fleet.logPaths, texts: ChaosTraffic.texts).run()
        say("actions sent by diligent owners: \(driver.actionsSent.withLock { $0 })")
        FileHandle.standardOutput.write(Data((report.summary() + privacy.summary + "\n").utf8))
        let passed = report.passed && privacy.passed
        if passed && !options.keep {
            try? FileManager.default.removeItem(atPath: folder)
        } else {
            say("run folder kept: \(folder)")
        }
        return passed
    }

    private func makeBroker(folder: String) async throws -> any ChaosBroker {
        switch options.broker {
        case "mock":
            return try MockChaosBroker(consumerGroups: [Self.workerGroup, TrafficDriver.consumerGroup], logger: logger)
        case "tansu", "tansu-s3":
            guard let tansu = options.tansu else { throw HarnessError("--tansu is required for \(options.broker)") }
            if options.broker == "tansu-s3" && options.motoServer == nil {
                throw HarnessError("--moto-server is required for tansu-s3")
            }
            return try await TansuChaosBroker(
                tansu: tansu, motoServer: options.broker == "tansu-s3" ? options.motoServer : nil, folder: folder)
        default: throw HarnessError("unknown broker '\(options.broker)': mock, tansu or tansu-s3")
        }
    }

    private func workerEnvironment(bootstrap: String, broker: any ChaosBroker, ledgerURL: String) -> [String: String] {
        var properties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "1000"]
        properties.merge(broker.clientProperties) { $1 }
        return [
            "GROUPWARDEN_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "GROUPWARDEN_KAFKA_GROUP_ID": Self.workerGroup,
            "GROUPWARDEN_KAFKA_PROPERTIES": properties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ","),
            "GROUPWARDEN_TOPICS_MESSAGES": topics.messages, "GROUPWARDEN_TOPICS_ACTIONS": topics.actions,
            "GROUPWARDEN_TOPICS_FLAGS": topics.flags, "GROUPWARDEN_TOPICS_NOTICES": topics.notices,
            "GROUPWARDEN_TOPICS_ESCALATIONS": topics.escalations, "GROUPWARDEN_TOPICS_GROUP_ALERTS": topics.groupAlerts,
            "GROUPWARDEN_TOPICS_DLQ": topics.dlq,
            "GROUPWARDEN_LEDGER_URL": ledgerURL,
            "GROUPWARDEN_CLASSIFICATION_RULE_PACKS": options.rules,
            "GROUPWARDEN_DEADLINES_OWNER_LOW": "6s", "GROUPWARDEN_DEADLINES_OWNER_MEDIUM": "6s",
            "GROUPWARDEN_DEADLINES_OWNER_HIGH": "6s", "GROUPWARDEN_DEADLINES_OWNER_CRITICAL": "6s",
            "GROUPWARDEN_DEADLINES_PROVIDER": "5s",
            "GROUPWARDEN_SCHEDULER_POLL_INTERVAL": "200ms", "GROUPWARDEN_SCHEDULER_LEASE": "5s",
            "GROUPWARDEN_POOL_REVOKE_TIMEOUT": "3s", "GROUPWARDEN_POOL_RETRY_MAX": "2s",
            "GROUPWARDEN_POOL_MAX_ATTEMPTS": "100",
            "GROUPWARDEN_ACTIONS_SIGNING_KEY": Self.signingKey,
            "GROUPWARDEN_ADMIN_PORT": "0", "GROUPWARDEN_LOG_LEVEL": "info", "GROUPWARDEN_LOG_FORMAT": "json",
        ]
    }

    /// One fault every interval until cancelled, then the fleet topped up again.
    private func inflictFaults(_ faults: [Fault], fleet: WorkerFleet, broker: any ChaosBroker) async throws {
        var random = SplitMix64(seed: options.seed &* 31 &+ 7)
        var counts: [Fault: Int] = [:]
        defer {
            say(
                "faults inflicted: "
                    + counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", "))
        }
        guard !faults.isEmpty else { return }
        // Round robin over a seeded order: every kind of fault comes once per `faults.count`.
        let order = faults.shuffled(using: &random)
        var round = 0
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(options.faultInterval))
            let fault = order[round % order.count]
            round += 1
            let line: String
            switch fault {
            case .killWorker: line = try await fleet.killOne(random: &random)
            case .rebalance: line = try await fleet.rebalance(high: options.workers + 1)
            case .storm: line = try await fleet.storm()
            case .restartPostgres:
                guard let restart = ProcessInfo.processInfo.environment["GROUPWARDEN_TEST_POSTGRES_RESTART"] else {
                    line = "no GROUPWARDEN_TEST_POSTGRES_RESTART: PostgreSQL not restarted"
                    break
                }
                _ = try await runCommand(restart, [])
                line = "PostgreSQL crash-restarted (immediate stop)"
            default: line = try await broker.inflict(fault, random: &random)
            }
            counts[fault, default: 0] += 1
            say(line)
            try fleet.ensure(options.workers - 1)
        }
    }

    /// Waits until every sent violation has a flag, no flag is open and the outbox is empty, or
    /// the ledger stops changing (the broker may have lost records). Gives up only after
    /// `settleTimeout` seconds without progress: slow storage (Tansu on S3) drains slowly.
    private func settle(store: any LedgerStore, groups: [String], sent: [ChaosAudit.Sent]) async throws {
        let expected = sent.filter { $0.expectation == .flag }.count
        let deadline = max(options.settleTimeout, 100)
        var last: (flags: Int, open: Int) = (-1, -1)
        var unchangedSince = ContinuousClock.now
        while ContinuousClock.now - unchangedSince < .seconds(deadline) {
            try await Task.sleep(for: .seconds(2))
            var flags: [Flag] = []
            do {
                for group in groups { flags += try await store.flags(groupID: group) }
            } catch {
                say("ledger not reachable yet: \(error)")
                continue
            }
            let open = flags.filter(\.status.isOpen).count
            let pending = (try? await store.pendingOutbox(createdBefore: Date(), limit: 100_000).count) ?? -1
            if flags.count != last.flags || open != last.open {
                last = (flags.count, open)
                unchangedSince = .now
            }
            say("settling: \(flags.count)/\(expected) flags, \(open) open, \(pending) unpublished")
            // Quiet long enough that the broker, not a stalled rebalance, explains missing flags:
            // a member killed mid-join held a mock-cluster group for about 60 s in one CI run.
            let quiet = ContinuousClock.now - unchangedSince > .seconds(90)
            if open == 0 && pending == 0 && (flags.count >= expected || quiet) { return }
        }
        say("no progress for \(options.settleTimeout) s: auditing anyway")
    }

    func say(_ line: String) {
        let time = ISO8601DateFormatter().string(from: Date())
        FileHandle.standardOutput.write(Data("[\(time)] \(line)\n".utf8))
    }
}

extension WardenConfiguration.Topics {
    /// The chaos run's own topic names.
    static let chaos = Self(
        messages: "chaos.messages", actions: "chaos.actions", flags: "chaos.flags", notices: "chaos.notices",
        escalations: "chaos.escalations", groupAlerts: "chaos.group-alerts", dlq: "chaos.dlq")
}
