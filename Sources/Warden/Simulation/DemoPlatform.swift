import Escalation
import Foundation
import KafkaClient
import Logging
import Synchronization

/// Plays the chat platform against a running GroupWarden over Kafka: sends the scenario's
/// messages, answers owner notices for diligent owners (signed when a key is set), and tallies
/// every event that comes back.
public final class DemoPlatform: Sendable {
    let scenario: DemoScenario
    let topics: WardenConfiguration.Topics
    let producer: KafkaProducer
    let bootstrap: String
    let signingKey: [UInt8]?
    let logger: Logger
    public let tally = Mutex(DemoTally())

    public init(
        scenario: DemoScenario, topics: WardenConfiguration.Topics, bootstrap: String, signingKey: [UInt8]?,
        logger: Logger
    ) throws {
        self.scenario = scenario
        self.topics = topics
        self.bootstrap = bootstrap
        self.signingKey = signingKey
        self.logger = logger
        producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: bootstrap), logger: logger)
    }

    /// Sends every planned message at `rate` per second.
    public func sendTraffic(rate: Double) async throws {
        let start = ContinuousClock.now
        for (index, message) in scenario.messages.enumerated() {
            let due = start + .milliseconds(Int64(Double(index) / rate * 1000))
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            _ = try await producer.send(
                topic: topics.messages, key: Array(message.group.id.utf8), value: message.json)
            tally.withLock { tally in
                tally.messagesSent += 1
                if message.group.kind != "group" { tally.privateSent += 1 }
                if message.violates { tally.expectedFlags.insert(FlagID.forMessage(message.id)) }
            }
        }
    }

    /// Reads the output topics until cancelled, tallying events and answering notices.
    public func watch(actionDelay: Duration) async throws {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(
                bootstrapServers: bootstrap,
                [
                    "group.id": "demo-platform-\(UUID().uuidString)", "session.timeout.ms": "6000",
                    "heartbeat.interval.ms": "1000",
                ]),
            logger: logger)
        try consumer.subscribe(
            topics: [topics.flags, topics.notices, topics.escalations, topics.groupAlerts, topics.dlq], listener: nil)
        let executor = BlockingExecutor(name: "demo-watch")
        defer {
            _ = try? consumer.close()
            executor.shutdown()
        }
        let groups = Dictionary(uniqueKeysWithValues: scenario.groups.map { ($0.id, $0) })
        var answered = 0
        while !Task.isCancelled {
            let records = try await executor.run { try consumer.poll(maxRecords: 500, timeout: .milliseconds(200)) }
            for record in records {
                if record.topic == topics.dlq {
                    tally.withLock { $0.deadLetters += 1 }
                    continue
                }
                guard let (type, data) = tally.withLock({ $0.count(event: record.value ?? []) }) else { continue }
                guard type == "owner.notified", let groupID = data["group_id"] as? String,
                    let group = groups[groupID], group.behaviour == .diligent || group.behaviour == .turnsObscene,
                    let flagID = data["flag_id"] as? String
                else { continue }
                answered += 1
                // Owners of the obscene channel act on some notices only: the channel still tips over.
                if group.behaviour == .turnsObscene && answered % 3 != 0 { continue }
                let useAdmin = answered % 4 == 0 && !group.adminIDs.isEmpty
                let actions: [ActionKind] = [.deleteMessage, .warnMember, .removeMember, .report]
                let action = actions[answered % actions.count]
                let actor = useAdmin ? group.adminIDs[0] : group.ownerID ?? ""
                let role: ActorRole = useAdmin ? .admin : .owner
                Task { [self] in
                    try? await Task.sleep(for: actionDelay)
                    try? await self.act(flagID: flagID, group: group, actor: actor, role: role, action: action)
                }
            }
        }
    }

    func act(flagID: String, group: DemoScenario.Group, actor: String, role: ActorRole, action: ActionKind) async throws
    {
        let at = RFC3339.format(Date())
        var claim = ActionClaim(
            actionID: "act-\(flagID)", flagID: flagID, messageID: nil, groupID: group.id, actorID: actor,
            claimedRole: role,
            action: action, at: nil, atText: at, signature: nil)
        if let signingKey { claim.signature = claim.signature(key: signingKey) }
        var object: [String: Any] = [
            "action_id": claim.actionID, "flag_id": flagID, "group_id": group.id, "actor_id": actor,
            "actor_role": role.rawValue, "action": action.rawValue, "at": at,
        ]
        if let signature = claim.signature { object["signature"] = signature }
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        _ = try await producer.send(topic: topics.actions, key: Array(group.id.utf8), value: bytes)
        tally.withLock { $0.actionsSent += 1 }
    }
}
