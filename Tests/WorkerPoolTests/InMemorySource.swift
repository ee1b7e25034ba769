import Dispatch
import KafkaClient
import Synchronization

@testable import WorkerPool

/// A `RecordSource` over in-memory partition logs, with consumer-group semantics close enough to
/// librdkafka's for the pool: positions start at the committed offset, paused partitions return
/// nothing, rebalances are delivered to the listener on the polling thread.
final class InMemorySource: RecordSource {
    enum Rebalance: Sendable {
        case assign([TopicPartition])
        case revoke([TopicPartition])
        case lose([TopicPartition])
    }

    struct Observed: Sendable {
        var stored: [TopicPartition: Int64] = [:]
        var committed: [TopicPartition: Int64] = [:]
        var paused: Set<TopicPartition> = []
        var pauseCount = 0
        var resumeCount = 0
        var rebalancesDone = 0
        var closed = false
    }

    private struct State {
        var logs: [TopicPartition: [KafkaRecord]] = [:]
        var positions: [TopicPartition: Int64] = [:]
        var assigned: [TopicPartition] = []
        var pending: [Rebalance] = []
        var listener: (any PartitionOwnershipListener)?
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    let observed = Probe(Observed())

    /// Appends records (offsets continue the partition's log) and wakes a waiting poll.
    func append(topic: String, partition: Int32, keys: [String?], value: (Int) -> [UInt8] = { _ in [] }) {
        let tp = TopicPartition(topic: topic, partition: partition)
        state.withLock { state in
            for (index, key) in keys.enumerated() {
                let offset = Int64(state.logs[tp, default: []].count)
                state.logs[tp, default: []].append(
                    KafkaRecord(
                        topic: topic, partition: partition, offset: offset, key: key.map { Array($0.utf8) },
                        value: value(index)))
            }
        }
        wake.signal()
    }

    /// Queues a rebalance for the polling thread.
    func rebalance(_ event: Rebalance) {
        state.withLock { $0.pending.append(event) }
        wake.signal()
    }

    func subscribe(topics: [String], ownershipListener: any PartitionOwnershipListener) throws {
        state.withLock { $0.listener = ownershipListener }
    }

    func poll(maxRecords: Int, timeout: Duration) throws -> [KafkaRecord] {
        servePendingRebalances()
        var records = take(maxRecords)
        if records.isEmpty, timeout > .zero {
            _ = wake.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000) + 1))
            servePendingRebalances()
            records = take(maxRecords)
        }
        return records
    }

    private func take(_ maxRecords: Int) -> [KafkaRecord] {
        let paused = observed.value.paused
        return state.withLock { state in
            var records: [KafkaRecord] = []
            for partition in state.assigned where !paused.contains(partition) {
                let log = state.logs[partition, default: []]
                var position = Int(state.positions[partition, default: 0])
                while position < log.count, records.count < maxRecords {
                    records.append(log[position])
                    position += 1
                }
                state.positions[partition] = Int64(position)
            }
            return records
        }
    }

    private func servePendingRebalances() {
        while let (event, listener) = state.withLock({ state -> (Rebalance, (any PartitionOwnershipListener)?)? in
            guard !state.pending.isEmpty else { return nil }
            return (state.pending.removeFirst(), state.listener)
        }) {
            switch event {
            case .assign(let partitions):
                let committed = observed.value.committed
                state.withLock { state in
                    for partition in partitions {
                        state.assigned.append(partition)
                        state.positions[partition] = committed[partition] ?? 0
                    }
                }
                listener?.partitionsAssigned(partitions)
            case .revoke(let partitions):
                listener?.partitionsRevoked(partitions)
                unassign(partitions)
            case .lose(let partitions):
                listener?.partitionsLost(partitions)
                unassign(partitions)
            }
            observed.update { $0.rebalancesDone += 1 }
        }
    }

    private func unassign(_ partitions: [TopicPartition]) {
        state.withLock { $0.assigned.removeAll { partitions.contains($0) } }
        observed.update { observed in
            for partition in partitions {
                observed.stored[partition] = nil
                observed.paused.remove(partition)
            }
        }
    }

    func storeOffsets(_ nextOffsets: [TopicPartition: Int64]) throws {
        let assigned = Set(state.withLock { $0.assigned })
        observed.update { observed in
            for (partition, offset) in nextOffsets where assigned.contains(partition) {
                observed.stored[partition] = offset
            }
        }
    }

    func commit() throws {
        observed.update { $0.committed.merge($0.stored) { _, new in new } }
    }

    func pause(_ partitions: [TopicPartition]) throws {
        observed.update {
            $0.paused.formUnion(partitions)
            $0.pauseCount += 1
        }
    }

    func resume(_ partitions: [TopicPartition]) throws {
        observed.update {
            $0.paused.subtract(partitions)
            $0.resumeCount += 1
        }
        wake.signal()
    }

    func close() throws {
        let assigned = state.withLock { $0.assigned }
        if !assigned.isEmpty {
            state.withLock { $0.listener }?.partitionsRevoked(assigned)
            unassign(assigned)
        }
        try commit()
        observed.update { $0.closed = true }
    }
}

/// A DLQ that keeps what it is sent; the first `failures` sends fail retriably.
final class InMemoryDeadLetters: DeadLetterSink {
    struct Sent: Sendable {
        var topic: String
        var key: [UInt8]?
        var value: [UInt8]?
        var headers: [KafkaHeader]

        func header(_ name: String) -> String? {
            headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
    }

    let sent = Probe([Sent]())
    private let failuresLeft: Mutex<Int>

    init(failures: Int = 0) {
        failuresLeft = Mutex(failures)
    }

    func send(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader]
    ) async throws -> (partition: Int32, offset: Int64) {
        let fail = failuresLeft.withLock { left -> Bool in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fail { throw RecordFailure(code: "broker_down", message: "", isRetriable: true) }
        let offset = sent.update { sent -> Int in
            sent.append(Sent(topic: topic, key: key, value: value, headers: headers))
            return sent.count - 1
        }
        return (0, Int64(offset))
    }

    func flush(timeout: Duration) throws {}
}
