import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Warden

/// `groupwarden run`: the worker. Roles, Kafka, ledger and everything else from configuration.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a GroupWarden worker (roles: classify, actions, scheduler).")

    @OptionGroup var sources: ConfigurationSources

    func run() async throws {
        let config: WardenConfiguration
        do {
            config = try await sources.load()
        } catch let error as ConfigurationError {
            throw CommandFailure("invalid configuration: \(error)")
        }
        let registry = Observability.bootstrap(
            level: config.log.level, format: config.log.format, sink: .standardOutput)
        let logger = Logger(label: "groupwarden")
        // A fatal producer error cannot be recovered in-process and waiting for a graceful
        // shutdown would hang on it: exit at once (EX_SOFTWARE). Nothing is lost: every event is
        // in the ledger's outbox, every unfinished record uncommitted; the next worker replays.
        let app = try await WardenApplication.build(
            config: config, registry: registry, logger: logger, onFatalProducerError: { _ in Foundation.exit(70) })
        logger.info(
            "starting",
            metadata: [
                "roles": "\(config.roles.map(\.rawValue).sorted())", "admin_port": "\(config.admin.port)",
                "allocator": "\(MemoryAllocator.name)",
            ])
        let group = ServiceGroup(
            configuration: .init(
                services: app.services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
