import KafkaClient
import Logging
import ServiceLifecycle
import Synchronization

@testable import WorkerPool

enum PoolTestSupport {
    static let logger: Logger = {
        var logger = Logger(label: "WorkerPoolTests")
        logger.logLevel = .warning
        return logger
    }()
}

/// A pool running inside a ServiceGroup, as in production.
struct RunningPool: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(_ service: some Service) {
        let group = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [], logger: PoolTestSupport.logger))
        self.group = group
        self.task = Task { try await group.run() }
    }

    /// Graceful shutdown (as on SIGTERM), waiting for the pool to finish.
    func shutDown() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// Cancels the pool (no drain), waiting for it to finish.
    func cancel() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// What handlers saw, in the order they finished.
struct Handled: Sendable {
    var records: [(partition: Int32, offset: Int64, key: String?)] = []
    var started: [Int64] = []
    var running = 0
    var maxRunning = 0
    var runningPerKey: [String: Int] = [:]
    var keyOverlap = false

    var count: Int { records.count }

    func offsets(of partition: Int32) -> [Int64] {
        records.filter { $0.partition == partition }.map(\.offset)
    }

    mutating func start(_ record: KafkaRecord) {
        started.append(record.offset)
        running += 1
        maxRunning = max(maxRunning, running)
        let key =
            record.key.map { "\(record.partition)/" + String(decoding: $0, as: UTF8.self) } ?? "\(record.partition)/-"
        runningPerKey[key, default: 0] += 1
        if runningPerKey[key]! > 1 { keyOverlap = true }
    }

    mutating func finish(_ record: KafkaRecord, handled: Bool = true) {
        running -= 1
        let key =
            record.key.map { "\(record.partition)/" + String(decoding: $0, as: UTF8.self) } ?? "\(record.partition)/-"
        runningPerKey[key, default: 1] -= 1
        if handled {
            records.append((record.partition, record.offset, record.key.map { String(decoding: $0, as: UTF8.self) }))
        }
    }
}

extension KafkaRecord {
    var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    var valueText: String { value.map { String(decoding: $0, as: UTF8.self) } ?? "" }
}
