import Foundation
import Logging
import Synchronization
import Testing

@testable import KafkaClient

@Suite struct BlockingExecutorTests {
    @Test func runsBodiesOnItsOwnNamedThread() async throws {
        let executor = BlockingExecutor(name: "blocking-test")
        let name = try await executor.run { BlockingExecutor.currentName }
        #expect(name == "blocking-test")
        #expect(BlockingExecutor.currentName == nil)
        let isMainThread = try await executor.run { Thread.isMainThread }
        #expect(!isMainThread)
        executor.shutdown()
    }

    @Test func rethrowsTheBodysErrorAndRefusesWorkAfterShutdown() async throws {
        struct Boom: Error {}
        let executor = BlockingExecutor(name: "blocking-test")
        await #expect(throws: Boom.self) { try await executor.run { throw Boom() } }
        executor.shutdown()
        await #expect(throws: BlockingExecutor.ShutDown.self) { try await executor.run { 1 } }
    }
}

@Suite struct KafkaLogBridgeTests {
    @Test func syslogLevelsMapToSwiftLogLevels() {
        #expect(Logger.Level(syslogLevel: 0) == .critical)
        #expect(Logger.Level(syslogLevel: 3) == .error)
        #expect(Logger.Level(syslogLevel: 4) == .warning)
        #expect(Logger.Level(syslogLevel: 5) == .notice)
        #expect(Logger.Level(syslogLevel: 6) == .info)
        #expect(Logger.Level(syslogLevel: 7) == .debug)
    }

    @Test func librdkafkaLogsReachTheInjectedLogger() throws {
        let captured = CapturedLogs()
        let logger = Logger(label: "capture") { _ in captured }
        // librdkafka warns at creation when no bootstrap servers are configured.
        _ = try KafkaProducer(configuration: KafkaConfiguration(), logger: logger)
        let entries = captured.entries
        #expect(entries.contains { $0.metadata["kafka.facility"] == "CONFWARN" && $0.level == .notice })
    }
}

/// A log handler keeping what it receives.
final class CapturedLogs: LogHandler, Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let stored = Mutex<[Entry]>([])
    var entries: [Entry] { stored.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let metadata = (event.metadata ?? [:]).mapValues { "\($0)" }
        stored.withLock { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: metadata)) }
    }
}

@Suite struct RawConsumptionBenchmarkTests {
    @Test func countsEveryProducedRecord() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("raw")
        try kafka.createTopic(topic, partitions: 4)
        let producer = try KafkaTestSupport.producer(kafka)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<2000 {
                group.addTask { _ = try await producer.send(topic: topic, key: Array("\(index)".utf8), value: [1]) }
            }
            try await group.waitForAll()
        }
        let measurement = try await RawConsumptionBenchmark.measure(
            bootstrap: kafka.bootstrapServers, topic: topic, expected: 2000, logger: KafkaTestSupport.logger)
        #expect(measurement.records == 2000)
    }
}
