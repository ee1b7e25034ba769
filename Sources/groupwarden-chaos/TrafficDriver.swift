import Escalation
import Foundation
import KafkaClient
import Logging
import Warden

/// Plays the platform: sends the seeded traffic at a steady rate (retrying a record until the
/// broker acknowledges it, so a retried record may be held twice: the pipeline must not care),
/// and answers each owner notice of a diligent group with a signed action.
final class TrafficDriver: Sendable {
    /// The platform's consumer group (it reads the flags to act on them).
    static let consumerGroup = "chaos-platform"
    /// Replaced when it fails fatally (Tansu can lose records an idempotent producer wrote).
    private let producerBox: LockedBox<KafkaProducer>
    private let producerConfiguration: KafkaConfiguration
    let topics: WardenConfiguration.Topics
    let signingKey: [UInt8]
    let logger: Logger
    let sent = LockedBox<[ChaosAudit.Sent]>([])
    let actionsSent = LockedBox(0)
    /// Harness ids of the forged actions sent.
    let forged = LockedBox<Set<String>>([])
    /// Where each forged action landed in the actions topic ("partition:offset" → harness id).
    let forgedOffsets = LockedBox<[String: String]>([:])
    static let impostor = "chaos-impostor"

    init(
        bootstrap: String, properties: [String: String], topics: WardenConfiguration.Topics, signingKey: [UInt8],
        logger: Logger
    ) throws {
        producerConfiguration = KafkaConfiguration(bootstrapServers: bootstrap, properties).forProducer
        producerBox = LockedBox(try KafkaProducer(configuration: producerConfiguration, logger: logger))
        self.topics = topics
        self.signingKey = signingKey
        self.logger = logger
    }

    /// Sends `rate` records a second for `duration`.
    func send(traffic: ChaosTraffic, rate: Double, duration: Duration) async throws {
        var traffic = traffic
        let start = ContinuousClock.now
        let total = Int(rate * duration.seconds)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            var inFlight = 0
            for index in 0..<total {
                let due = start + .milliseconds(Int64(Double(index) / rate * 1000))
                if due > .now { try await Task.sleep(until: due, clock: .continuous) }
                let record = traffic.next(sentAt: Date())
                sent.withLock { $0.append(record.sent) }
                tasks.addTask { await self.deliver(record) }
                inFlight += 1
                if inFlight > 2000 {
                    try await tasks.next()
                    inFlight -= 1
                }
            }
            try await tasks.waitForAll()
        }
    }

    private var producer: KafkaProducer { producerBox.withLock { $0 } }

    /// After a fatal error the producer refuses everything: start a new one (once per failure).
    private func replaceIfFatal(_ error: any Error, failed: KafkaProducer) {
        guard let kafkaError = error as? KafkaError, kafkaError.isFatal else { return }
        producerBox.withLock { current in
            guard current === failed,
                let fresh = try? KafkaProducer(configuration: producerConfiguration, logger: logger)
            else { return }
            logger.warning("harness producer failed fatally; replaced", metadata: ["error": "\(error)"])
            current = fresh
        }
    }

    private func deliver(_ record: ChaosTraffic.Record) async {
        let headers = [KafkaHeader(key: ChaosTraffic.idHeader, value: Array(record.sent.id.utf8))]
        while true {
            let producer = self.producer
            do {
                _ = try await producer.send(
                    topic: topics.messages, key: record.key, value: record.value, headers: headers)
                return
            } catch {
                replaceIfFatal(error, failed: producer)
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Reads owner notices until cancelled; a diligent owner warns the member at once.
    func answerNotices(bootstrap: String, properties: [String: String], diligentGroups: [String: String])
        async throws
    {
        var consumerProperties = properties
        consumerProperties["group.id"] = Self.consumerGroup
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, consumerProperties).forConsumer,
            logger: logger)
        try consumer.subscribe(topics: [topics.notices], listener: nil)
        let executor = BlockingExecutor(name: "chaos-notices")
        defer {
            _ = try? consumer.close()
            executor.shutdown()
        }
        var answered: Set<String> = []
        var notices = 0
        while !Task.isCancelled {
            let records = try await executor.run { try consumer.poll(maxRecords: 500, timeout: .milliseconds(200)) }
            for record in records {
                guard let event = try? JSONSerialization.jsonObject(with: Data(record.value ?? [])) as? [String: Any],
                    event["type"] as? String == EventType.ownerNotified.rawValue,
                    let data = event["data"] as? [String: Any], let flagID = data["flag_id"] as? String,
                    let groupID = data["group_id"] as? String, let owner = diligentGroups[groupID],
                    answered.insert(flagID).inserted
                else { continue }
                notices += 1
                // Every fifth notice an impostor answers first, claiming the owner's role with a
                // forged signature; every seventh the owner's action is sent twice (a replay).
                let forge = notices % 5 == 0
                let replay = notices % 7 == 0
                // At once and concurrently: a slow acknowledgement must not delay the next owner.
                Task {
                    if forge {
                        try await self.act(flagID: flagID, groupID: groupID, owner: Self.impostor, forged: true)
                    }
                    try await self.act(flagID: flagID, groupID: groupID, owner: owner)
                    if replay { try await self.act(flagID: flagID, groupID: groupID, owner: owner) }
                }
            }
        }
    }

    private func act(flagID: String, groupID: String, owner: String, forged: Bool = false) async throws {
        let at = RFC3339.format(Date())
        let claim = ActionClaim(
            actionID: (forged ? "chaos-forged-" : "chaos-act-") + flagID, flagID: flagID, messageID: nil,
            groupID: groupID, actorID: owner,
            claimedRole: .owner, action: .warnMember, at: nil, atText: at, signature: nil)
        let object: [String: Any] = [
            "action_id": claim.actionID, "flag_id": flagID, "group_id": groupID, "actor_id": owner,
            "actor_role": "owner", "action": "warn_member", "at": at,
            "signature": claim.signature(key: forged ? Array("not-the-key".utf8) : signingKey),
        ]
        if forged { self.forged.withLock { _ = $0.insert(claim.actionID) } }
        let headers = [KafkaHeader(key: ChaosTraffic.idHeader, value: Array(claim.actionID.utf8))]
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        while true {
            let producer = self.producer
            do {
                let (partition, offset) = try await producer.send(
                    topic: topics.actions, key: Array(groupID.utf8), value: bytes, headers: headers)
                if forged { forgedOffsets.withLock { $0["\(partition):\(offset)"] = claim.actionID } }
                actionsSent.withLock { $0 += 1 }
                return
            } catch {
                replaceIfFatal(error, failed: producer)
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
