import Classification
import Escalation
import Foundation
import KafkaClient
import Ledger
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import WorkerPool

/// Builds the services of one GroupWarden process from its configuration: the one entry point
/// `run`, `demo` and the end-to-end tests share.
public struct WardenApplication: Sendable {
    /// The services to run in a `ServiceGroup`, in start order.
    public var services: [any Service]
    /// The ledger, for reports and tests.
    public var store: any LedgerStore
    public var core: ModerationCore

    ///
    /// `onFatalProducerError` hears of a fatal error of the events producer (after it is logged):
    /// no event can be published by this process any more; its events stay in the outbox.
    /// `groupwarden run` exits there so its supervisor starts a fresh worker.
    public static func build(
        config: WardenConfiguration, registry: PrometheusCollectorRegistry, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        onFatalProducerError: @escaping @Sendable (KafkaError) -> Void = { _ in }
    ) async throws -> WardenApplication {
        var logger = logger
        logger[metadataKey: LogKey.workerID] = "\(config.workerID)"
        let store = try makeLedgerStore(url: config.ledger.url, logger: logger)
        try await store.migrate()

        var kafkaProperties = config.kafka.properties
        kafkaProperties["bootstrap.servers"] = config.kafka.bootstrapServers
        var producerConfiguration = KafkaConfiguration(kafkaProperties).forProducer
        // Events are few and a flag's latency counts: batch for 1 ms, not librdkafka's 5 ms.
        producerConfiguration["linger.ms"] = producerConfiguration["linger.ms"] ?? "1"
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let publisher = KafkaEventPublisher(producer: producer) { [logger] error in
            logger.critical("events producer failed fatally", metadata: ["kafka.error": "\(error)"])
            onFatalProducerError(error)
        }
        let core = ModerationCore(
            store: store, chain: ResponsibilityChain(policy: config.escalationPolicy),
            alertPolicy: config.groupAlertPolicy,
            authorizer: ActionAuthorizer(signingKey: config.actionSigningKey.map { Array($0.utf8) }),
            encoder: EventEncoder(source: config.eventSource, topics: config.topics), publisher: publisher, now: now,
            logger: logger)
        let decoder = ContractDecoder(maxTextBytes: config.classification.maxTextBytes)

        var services: [any Service] = []
        var consumers: [KafkaConsumer] = []
        func consumer() throws -> KafkaConsumer {
            var properties = KafkaConfiguration(kafkaProperties).forConsumer.properties
            properties["group.id"] = config.kafka.groupID
            properties["client.id"] = "groupwarden-\(config.workerID)"
            // Consumer lag per partition (kafka_consumer_lag) comes from librdkafka's statistics.
            properties["statistics.interval.ms"] = properties["statistics.interval.ms"] ?? "5000"
            let consumer = try KafkaConsumer(configuration: KafkaConfiguration(properties), logger: logger)
            consumers.append(consumer)
            return consumer
        }
        if config.roles.contains(.classify) {
            let (classifier, watchers) = try makeClassifier(config.classification, logger: logger)
            Gauge(label: MetricName.rulePackVersion).record(
                Double(classifier.packVersion.split(separator: "@").last ?? "0") ?? 0)
            services += watchers
            services.append(
                WorkerPool(
                    consumer: try consumer(), deadLetterProducer: producer,
                    handler: MessageRecordHandler(
                        decoder: decoder, classifier: classifier, core: core, topic: config.topics.messages),
                    configuration: config.poolConfiguration(topic: config.topics.messages), logger: logger))
        }
        if config.roles.contains(.actions) {
            services.append(
                WorkerPool(
                    consumer: try consumer(), deadLetterProducer: producer,
                    handler: ActionRecordHandler(decoder: decoder, core: core, topic: config.topics.actions),
                    configuration: config.poolConfiguration(topic: config.topics.actions), logger: logger))
        }
        if config.roles.contains(.scheduler) {
            let leaseOwner = config.workerID
            services.append(
                DeadlineScheduler(
                    store: store, leaseOwner: leaseOwner, batchSize: config.scheduler.batchSize,
                    lease: config.scheduler.lease, pollInterval: config.scheduler.pollInterval, now: now,
                    logger: logger,
                    batchHandler: { flags in try await core.handleDue(flags, leaseOwner: leaseOwner) }))
            services.append(RetentionPurge(store: store, retention: config.ledger.retention, now: now, logger: logger))
        }
        services.append(
            OutboxRelay(
                store: store, grace: config.ledger.relayGrace, inFlight: { core.isPublishing($0) }, logger: logger
            ) { events in
                let deliveries = try await publisher.publish(events)
                Counter(label: MetricName.outboxRepublished).increment(by: events.count)
                return deliveries
            })
        let probe = WorkerReadiness(store: store, consumers: consumers, now: now)
        services.append(HealthGauges(store: store, probe: probe, now: now))
        if config.admin.port > 0 {
            services.append(
                AdminServer.application(
                    host: config.admin.host, port: config.admin.port, registry: registry, probe: probe, logger: logger))
        }
        services.append(ProducerFlusher(producer: producer))
        return WardenApplication(services: services, store: store, core: core)
    }

    /// The classifier the classify role uses: the rule packs, the media-hash banks (attachments'
    /// MD5/PDQ) and the domain block lists (links in texts and link attachments), with the
    /// services that reload each of them on change or SIGHUP. Throws the first problem of any
    /// file (file, line and problem), so a bad configuration stops the process at start.
    public static func makeClassifier(
        _ settings: WardenConfiguration.Classification, logger: Logger
    ) throws -> (classifier: RuleClassifier, watchers: [any Service]) {
        let banks = MediaBankHolder(bank: try MediaHashBankLoader().load(files: settings.hashBanks))
        let extractor = BlockListExtractor(blockList: try DomainBlockList.load(files: settings.domainBlocklists))
        let classifier = try RuleClassifier(
            ruleFiles: settings.rulePacks, attachmentMatcher: settings.hashBanks.isEmpty ? nil : banks,
            extractor: extractor)
        var watchers: [any Service] = [
            RulePackWatcher(classifier: classifier, files: settings.rulePacks, logger: logger)
        ]
        var sources: [SignalFilesWatcher.Source] = []
        if !settings.hashBanks.isEmpty { sources.append(.hashBanks(banks, files: settings.hashBanks)) }
        if !settings.domainBlocklists.isEmpty {
            sources.append(.domainBlockList(extractor, files: settings.domainBlocklists))
        }
        if !sources.isEmpty { watchers.append(SignalFilesWatcher(sources: sources, logger: logger)) }
        return (classifier, watchers)
    }
}

/// Ready when every consumer has partitions (or the process only schedules) and the ledger answers.
struct WorkerReadiness: ReadinessProbe {
    let store: any LedgerStore
    let consumers: [KafkaConsumer]
    let now: @Sendable () -> Date

    func readiness() async -> Readiness {
        var problems: [String] = []
        do { _ = try await store.nextDeadline() } catch { problems.append("ledger unreachable") }
        for consumer in consumers where ((try? consumer.assignment()) ?? []).isEmpty {
            problems.append("no partitions assigned")
        }
        return Readiness(problems: problems)
    }
}

/// Publishes the overdue-deadline and readiness gauges every few seconds.
struct HealthGauges: Service {
    let store: any LedgerStore
    let probe: WorkerReadiness
    let now: @Sendable () -> Date

    func run() async throws {
        let overdue = Gauge(label: MetricName.overdueDeadlines)
        let ready = Gauge(label: MetricName.ready)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let count = try? await store.overdueCount(now: now().addingTimeInterval(-1)) {
                    overdue.record(count)
                }
                ready.record(await probe.readiness().problems.isEmpty ? 1 : 0)
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }
}

/// Flushes the shared producer when the process shuts down, after the pools have drained.
struct ProducerFlusher: Service {
    let producer: KafkaProducer

    func run() async throws {
        try? await gracefulShutdown()
        try? producer.flush(timeout: .seconds(10))
    }
}
