import ArgumentParser
import KafkaClient
import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// `groupwarden dev-broker`: an in-process Kafka (librdkafka's mock cluster) with the contract's
/// topics, for local development and demos. Prints `bootstrap.servers=...` as its only stdout
/// line, logs to stderr, and stops on SIGINT/SIGTERM.
struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run an embedded Kafka (librdkafka mock cluster) with the contract's topics until SIGINT/SIGTERM."
    )

    /// The topics of the wire contract, created on start.
    static let contractTopics = [
        "chat.group.messages", "moderation.actions", "moderation.flags", "moderation.notices",
        "moderation.escalations", "moderation.group-alerts", "moderation.dlq",
    ]

    @Option(help: "Number of mock brokers.")
    var brokers = 1

    @Option(help: "Partitions of each contract topic.")
    var partitions: Int32 = 8

    @Option(name: .customLong("topic"), help: "An extra topic as NAME:PARTITIONS (repeatable).")
    var topics: [String] = []

    func validate() throws {
        guard brokers >= 1 else { throw ValidationError("--brokers must be at least 1") }
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
        _ = try extraTopics()
    }

    func run() async throws {
        let logger = Logger(label: "groupwarden.dev-broker") { StreamLogHandler.standardError(label: $0) }
        let kafka = try EmbeddedKafka(brokers: brokers, logger: logger)
        for topic in Self.contractTopics {
            try kafka.createTopic(topic, partitions: partitions)
        }
        for (name, count) in try extraTopics() {
            try kafka.createTopic(name, partitions: count)
        }
        print("bootstrap.servers=\(kafka.bootstrapServers)")
        fflush(nil)  // all streams: the line must reach a pipe reader now
        logger.info(
            "dev broker running", metadata: ["brokers": "\(brokers)", "bootstrap": "\(kafka.bootstrapServers)"])
        let group = ServiceGroup(
            services: [UntilShutdown()], gracefulShutdownSignals: [.sigint, .sigterm], cancellationSignals: [],
            logger: logger)
        try await group.run()
        logger.info("dev broker stopped")
        withExtendedLifetime(kafka) {}
    }

    private func extraTopics() throws -> [(String, Int32)] {
        try topics.map { spec in
            let parts = spec.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, let count = Int32(parts[1]), count >= 1 else {
                throw ValidationError("--topic expects NAME:PARTITIONS, got '\(spec)'")
            }
            return (String(parts[0]), count)
        }
    }
}

/// Holds the service group open until graceful shutdown is requested.
private struct UntilShutdown: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}
