import ArgumentParser
import CoreMetrics
import Escalation
import Foundation
import KafkaClient
import Logging
import Prometheus
import ServiceLifecycle
import Warden
import WorkerPool

/// `groupwarden-bench pipeline`: one GroupWarden worker (every role, SQLite ledger, the default
/// rule pack) on the embedded Kafka, against librdkafka relaying the same records
/// (consume + produce, `RawRelayBenchmark`) in the same run. Then, with the worker warm, a
/// paced phase measures the latency from producing a message to reading its `flag.raised`.
struct PipelineBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "End-to-end messages/s and produce→flag.raised latency of one worker, versus raw consume+produce.")

    @Option(help: "Messages for the throughput phase (both the raw relay and the worker read them).")
    var messages = 200_000
    @Option(
        help:
            "Partitions of the input topic. A mock partition keeps only ~5 MiB (the throughput phase's records must fit), and the mock walks every retained record batch of every partition on each fetch: at a paced rate the batches, and so the walk, grow with the partition count (with 64 partitions at 10,000/s the fetch age grows within a minute; with 4 it stays flat). The pool parallelises by key, not by partition."
    )
    var partitions: Int32 = 64
    @Option(help: "Group chats in the traffic.")
    var groups = 5_000
    @Option(help: "Share of group messages that violate (flagged by the default pack).")
    var violationShare = 0.01
    @Option(help: "Share of messages from private chats (skipped unread).")
    var privateShare = 0.05
    @Option(
        help:
            "Filler bytes added to every record in a field the contract does not define. A mock partition keeps ~5 MiB and scans its record batches linearly on every fetch, so bigger records bound that scan in long runs."
    )
    var recordPadding = 0
    @Option(help: "Messages/s in the latency phase.")
    var rate = 10_000.0
    @Option(help: "Seconds of the latency phase (0 skips it).")
    var latencySeconds = 20
    @Option(help: "bootstrap.servers of an existing cluster that has the topics (default: an embedded one here).")
    var bootstrap: String?
    @Option(help: "Ledger URL (default: a SQLite file in a temporary folder).")
    var ledger: String?
    @Option(
        help:
            "Prefix of the message ids. A second run on the same --ledger with another prefix sends new messages to groups the ledger knows (a worker after a restart or a rebalance)."
    )
    var messagePrefix = "tp"
    @Option(help: "Rule pack.")
    var rules = "rules/default.yaml"
    @Option(help: "linger.ms of the platform's producer (latency counts from the produce call).")
    var producerLingerMs = 5
    @Option(help: "Log level of the worker (logs go to stderr).")
    var logLevel: Logger.Level = .error
    @Option(help: "Extra configuration, key=value, repeatable (e.g. pool.max_in_flight=20000).")
    var set: [String] = []

    func run() async throws {
        var logger = Logger(label: "groupwarden-bench")
        logger.logLevel = logLevel
        let progress = PhaseProgress()
        MetricsSystem.bootstrap(
            CountingMetricsFactory(
                watching: MetricName.records,
                observe: { dimensions, amount in
                    if dimensions.contains(where: { $0 == ("outcome", "handled") || $0 == ("outcome", "dlq") }) {
                        progress.add(Int(amount))
                    }
                },
                timers: [
                    MetricName.processingSeconds: { _, nanoseconds in progress.handled(nanoseconds: nanoseconds) },
                    // The bench sends no actions: every aged record is an input message.
                    WorkerPoolMetricName.recordAge: { _, nanoseconds in progress.aged(nanoseconds: nanoseconds) },
                    WorkerPoolMetricName.fetchAge: { _, nanoseconds in progress.fetched(nanoseconds: nanoseconds) },
                ],
                recorders: [WorkerPoolMetricName.inFlight: { _, value in progress.inFlight(value) }]))

        // The embedded cluster lives in this process (its CPU and memory count with ours) unless
        // --bootstrap names another cluster, e.g. `groupwarden dev-broker` or Tansu.
        let embedded = bootstrap == nil ? try EmbeddedKafka(brokers: 1, logger: logger) : nil
        // The ledger lives in a folder of its own, removed at the end (unless --ledger names one).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Every client of the embedded cluster is gone before it is: its clients would otherwise
        // log errors about brokers going down after the figures.
        try await measure(
            bootstrapServers: bootstrap ?? embedded!.bootstrapServers, embedded: embedded, folder: folder,
            progress: progress, logger: logger)
        withExtendedLifetime(embedded) {}
    }

    private func measure(
        bootstrapServers: String, embedded: EmbeddedKafka?, folder: URL, progress: PhaseProgress, logger: Logger
    ) async throws {
        let config = try await workerConfiguration(bootstrapServers, folder: folder)
        try createTopics(config.topics, embedded: embedded)
        let traffic = PipelineTraffic(
            seed: 7, groups: groups, privateShare: privateShare, violationShare: violationShare,
            paddingBytes: recordPadding)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(
                bootstrapServers: bootstrapServers,
                [
                    "linger.ms": "\(producerLingerMs)", "batch.num.messages": "10000",
                    "queue.buffering.max.messages": "500000",
                ]),
            logger: logger)

        let produced = try await traffic.produceAll(
            count: messages, prefix: messagePrefix, topic: config.topics.messages, producer: producer)
        print(
            "messages=\(messages) violating=\(produced.violating) private_share=\(privateShare) groups=\(groups) partitions=\(partitions) produce_seconds=\(fmt(produced.seconds)) allocator=\(MemoryAllocator.name)"
        )

        let rawCPUBefore = ProcessCPUTime.now()
        let raw = try await RawRelayBenchmark.measure(
            bootstrap: bootstrapServers, source: config.topics.messages, destination: "bench.relay",
            expected: messages, producerProperties: KafkaProducer.defaultProperties, logger: logger)
        // Includes the relay's group join (about a second of little CPU): an upper bound.
        let rawCPU = ProcessCPUTime.microsecondsPerRecord(ProcessCPUTime.now() - rawCPUBefore, records: raw.records)
        print(
            "raw_relay_records=\(raw.records) raw_seconds=\(fmt(raw.relay.seconds)) raw_rate=\(Int(raw.recordsPerSecond)) raw_cpu_us_per_record=\(fmt(rawCPU))"
        )

        let flags = try FlagReader(bootstrap: bootstrapServers, topic: config.topics.flags, logger: logger)
        let throughput = progress.startPhase(target: messages)
        let app = try await WardenApplication.build(
            config: config, registry: PrometheusCollectorRegistry(), logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: app.services.map { .init(service: $0) }, gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let elapsed: Duration
        do {
            elapsed = try await throughput.waitForTarget(
                timeout: .seconds(60 + messages / 2_000), what: "records handled by the pipeline")
        } catch {
            print("stalled: \(error); in_flight=\(progress.lastInFlight)")
            throw error
        }
        let pipelineRate = Double(messages) / elapsed.seconds
        let raised = try await flags.waitForRaised(produced.violating, timeout: .seconds(60))
        print(
            "pipeline_records=\(messages) pipeline_seconds=\(fmt(elapsed.seconds)) pipeline_rate=\(Int(pipelineRate)) flags_raised=\(raised) pipeline_cpu_us_per_record=\(fmt(ProcessCPUTime.microsecondsPerRecord(throughput.cpuUntilTarget ?? .zero, records: messages)))"
        )
        print(progress.handlerTimeLine())
        let ratio = pipelineRate / raw.recordsPerSecond
        print("ratio=\(fmt(ratio)) target=0.6 \(ratio >= 0.6 ? "met" : "missed")")

        if latencySeconds > 0 {
            let count = Int(rate * Double(latencySeconds))
            let paced = progress.startPhase(target: count)
            let pacedStart = ContinuousClock.now
            let memory = Task { await MemorySampler.printEvery(.seconds(max(1, min(30, latencySeconds / 10)))) }
            defer { memory.cancel() }
            let sent = try await traffic.producePaced(
                count: count, rate: rate, prefix: "lat", topic: config.topics.messages, producer: producer,
                flags: flags)
            let drained = await paced.waitForTarget()
            let latencies = try await flags.waitForLatencies(sent.violating, timeout: .seconds(60))
            print(
                "paced_rate_target=\(Int(rate)) paced_sent=\(count) paced_send_seconds=\(fmt(sent.seconds)) paced_handled_seconds=\(fmt(drained.seconds)) flagged=\(latencies.count)"
            )
            print(latencyLine(latencies))
            if latencySeconds < 120, let ages = progress.agesByMinute().first {
                // Of which: produce to the start of handling (broker, fetch, pool queue), and
                // produce to the poll thread (broker and fetch alone).
                print(ages)
                print(progress.fetchAgeLine())
            }
            if latencySeconds >= 120 {
                // Latency over time: a worker that degrades shows it here, not in the overall line.
                let ages = progress.agesByMinute()
                for (index, window) in flags.latencyWindows(from: pacedStart, every: .seconds(60)).enumerated() {
                    print("minute=\(index + 1) flagged=\(window.count) " + latencyLine(window))
                    if index < ages.count { print("minute=\(index + 1) " + ages[index]) }
                }
            }
            print(progress.handlerTimeLine())
        }
        await group.triggerGracefulShutdown()
        do {
            try await running.value
        } catch is CancellationError {
            // A service interrupted mid-sleep by the shutdown; the figures are already printed.
        }
        flags.stop()
    }

    private func workerConfiguration(_ bootstrapServers: String, folder: URL) async throws -> WardenConfiguration {
        var overrides = [
            "kafka.bootstrap_servers": bootstrapServers,
            // The mock broker answers an empty fetch only when fetch.wait.max.ms expires (a real
            // broker answers as soon as data arrives): with librdkafka's 500 ms default every
            // message would wait up to half a second in the broker.
            "kafka.properties": "session.timeout.ms=6000,heartbeat.interval.ms=1000,fetch.wait.max.ms=2",
            "ledger.url": ledger ?? "sqlite://" + folder.appendingPathComponent("ledger.sqlite").path,
            "classification.rule_packs": rules, "admin.port": "0",
        ]
        for pair in set {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--set wants key=value, got \(pair)") }
            overrides[parts[0]] = parts[1]
        }
        return try await ConfigurationLoader(overrides: overrides).load()
    }

    /// Creates the topics on the embedded cluster; an existing cluster must have them (e.g.
    /// `groupwarden dev-broker --partitions 64 --topic bench.relay:64`).
    private func createTopics(_ topics: WardenConfiguration.Topics, embedded: EmbeddedKafka?) throws {
        guard let embedded else { return }
        for topic in [
            topics.messages, topics.actions, topics.flags, topics.notices, topics.escalations, topics.groupAlerts,
            topics.dlq, "bench.relay",
        ] {
            try embedded.createTopic(
                topic, partitions: topic == topics.messages || topic == "bench.relay" ? partitions : 16)
        }
    }

    private func latencyLine(_ latencies: [Duration]) -> String {
        let sorted = latencies.map { $0.seconds * 1000 }.sorted()
        guard !sorted.isEmpty else { return "latency_ms none" }
        func percentile(_ p: Double) -> String {
            fmt(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
        }
        return
            "latency_ms p50=\(percentile(0.5)) p90=\(percentile(0.9)) p99=\(percentile(0.99)) max=\(fmt(sorted.last!)) target_p99=50 \(Double(percentile(0.99))! < 50 ? "met" : "missed")"
    }
}

func fmt(_ value: Double) -> String { String(format: "%.3f", value) }

extension Logger.Level: @retroactive ExpressibleByArgument {}
