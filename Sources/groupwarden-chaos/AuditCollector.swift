import Escalation
import Foundation
import KafkaClient
import Ledger
import Logging
import Warden

/// Gathers what a chaos audit compares: the input topic as the broker holds it now, the output
/// topics, the dead letters, the workers' committed offsets, and the ledger's flags.
struct AuditCollector {
    let bootstrap: String
    let properties: [String: String]
    let topics: WardenConfiguration.Topics
    let workerGroup: String
    let partitions: Int
    let logger: Logger

    /// Reads every record of `topics` from the beginning until none arrives for `idle`.
    func readAll(_ topicNames: [String], idle: Duration = .seconds(6)) async throws -> [KafkaRecord] {
        var consumerProperties = properties
        consumerProperties["group.id"] = "chaos-audit-\(UUID().uuidString)"
        consumerProperties["enable.auto.commit"] = "false"
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, consumerProperties).forConsumer,
            logger: logger)
        try consumer.subscribe(topics: topicNames, listener: nil)
        let executor = BlockingExecutor(name: "chaos-audit")
        defer {
            _ = try? consumer.close()
            executor.shutdown()
        }
        var records: [KafkaRecord] = []
        var lastRecord = ContinuousClock.now
        // The first join takes a few seconds: allow for it before counting idleness.
        let joinAllowance = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now - lastRecord < idle || ContinuousClock.now < joinAllowance && records.isEmpty {
            let batch = try await executor.run { try consumer.poll(maxRecords: 5000, timeout: .milliseconds(500)) }
            if !batch.isEmpty {
                records += batch
                lastRecord = .now
            }
        }
        return records
    }

    /// The events the ledger records as acknowledged by the broker, at the acknowledged position.
    func acknowledgedEvents(store: any LedgerStore) async throws -> [ChaosAudit.Event] {
        try await store.deliveredEvents(limit: 10_000_000).compactMap { delivered in
            Self.event(
                delivered.event.payload,
                at: ChaosAudit.Position(
                    topic: delivered.event.topic, partition: delivered.delivery.partition,
                    offset: delivered.delivery.offset))
        }
    }

    /// A CloudEvent's id, type and the flag fields the audit compares.
    static func event(_ bytes: [UInt8], at position: ChaosAudit.Position) -> ChaosAudit.Event? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let id = object["id"] as? String, let type = object["type"] as? String
        else { return nil }
        let data = object["data"] as? [String: Any]
        return ChaosAudit.Event(
            id: id, type: type, flagID: data?["flag_id"] as? String, level: data?["level"] as? String,
            reason: data?["reason"] as? String, position: position)
    }

    /// The workers' committed next offset per input partition.
    func committedOffsets() async throws -> [Int32: Int64] {
        var consumerProperties = properties
        consumerProperties["group.id"] = workerGroup
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, consumerProperties).forConsumer,
            logger: logger)
        defer { _ = try? consumer.close() }
        let list = (0..<partitions).map { TopicPartition(topic: topics.messages, partition: Int32($0)) }
        let offsets = try consumer.committedOffsets(list, timeout: .seconds(20))
        return Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.partition, $0.value) })
    }

    /// Builds the audit from everything the run can observe now.
    func audit(sent: [ChaosAudit.Sent], groups: [String], store: any LedgerStore) async throws -> ChaosAudit {
        let input = try await readAll([topics.messages])
        let held = input.compactMap { record -> ChaosAudit.Held? in
            guard let id = record.header(ChaosTraffic.idHeader) else { return nil }
            return ChaosAudit.Held(sentID: id, partition: record.partition, offset: record.offset)
        }
        let actions = try await readAll([topics.actions])
        let output = try await readAll([topics.flags, topics.notices, topics.escalations, topics.dlq])
        var events: [ChaosAudit.Event] = []
        var deadLetters: [String] = []
        for record in output {
            if record.topic == topics.dlq {
                if let id = record.header(ChaosTraffic.idHeader) { deadLetters.append(id) }
                continue
            }
            let position = ChaosAudit.Position(topic: record.topic, partition: record.partition, offset: record.offset)
            if let event = Self.event(record.value ?? [], at: position) { events.append(event) }
        }
        var flags: [Flag] = []
        for group in groups { flags += try await store.flags(groupID: group) }
        let now = Date()
        let pending = try await store.pendingOutbox(createdBefore: now, limit: 1_000_000).count
        var audit = ChaosAudit(
            sent: sent, held: held, committed: try await committedOffsets(), ledgerFlags: flags, events: events,
            deadLetters: deadLetters, pendingOutbox: pending, now: now)
        audit.heldActions = Set(actions.compactMap { $0.header(ChaosTraffic.idHeader) })
        return audit
    }
}

extension KafkaRecord {
    /// The first header named `key`, as UTF-8 text.
    func header(_ key: String) -> String? {
        headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}
