import KafkaClient
import Logging
import Warden

/// A Kafka the chaos run works against, and the broker faults it can inflict.
protocol ChaosBroker: Sendable {
    /// `bootstrap.servers` for the workers and the harness.
    var bootstrapServers: String { get }
    /// Extra librdkafka properties every client of this broker needs.
    var clientProperties: [String: String] { get }
    /// The faults this broker supports, beyond the workers' and the database's.
    var faults: [Fault] { get }
    func createTopic(_ name: String, partitions: Int) async throws
    /// Inflicts a broker fault; returns a line for the log.
    func inflict(_ fault: Fault, random: inout SplitMix64) async throws -> String
    func shutdown() async
}

/// The in-process mock cluster (three brokers): brokers taken down and brought back, request
/// errors injected. Workers in other processes reach it through its ports.
///
/// The consumer groups' coordinator is broker 1 and only brokers 2 and 3 (partition leaders) are
/// taken down: the 2.0.2 mock aborts its whole process (`rd_kafka_mock_cgrp_member_sync_set`:
/// assertion `!member->resp`) when a member syncs again after the coordinator went down while
/// it waited for its SyncGroup answer, seen once in a short chaos run. The Tansu runs still take
/// the coordinator away (their only broker is killed).
final class MockChaosBroker: ChaosBroker {
    let kafka: EmbeddedKafka
    let bootstrapServers: String
    let clientProperties: [String: String] = [:]
    let faults: [Fault] = [.brokerDown, .requestErrors]
    static let coordinator: Int32 = 1

    init(consumerGroups: [String], logger: Logger) throws {
        kafka = try EmbeddedKafka(brokers: 3, logger: logger)
        bootstrapServers = kafka.bootstrapServers
        for group in consumerGroups { try kafka.setGroupCoordinator(group, brokerID: Self.coordinator) }
    }

    func createTopic(_ name: String, partitions: Int) async throws {
        try kafka.createTopic(name, partitions: Int32(partitions))
    }

    func inflict(_ fault: Fault, random: inout SplitMix64) async throws -> String {
        switch fault {
        case .brokerDown:
            let broker = Int32(2 + random.next() % 2)
            try kafka.setBrokerDown(broker)
            try await Task.sleep(for: .seconds(3))
            try kafka.setBrokerUp(broker)
            return "mock broker \(broker) down for 3 s"
        case .requestErrors:
            // Fetch, OffsetCommit, Heartbeat: retriable errors (NOT_LEADER_OR_FOLLOWER,
            // REQUEST_TIMED_OUT, COORDINATOR_NOT_AVAILABLE, REBALANCE_IN_PROGRESS). Not Produce:
            // the 2.0.2 mock acknowledges and then drops idempotent records around an injected
            // produce error (3 of 18,000 in a run with only this fault), a broker fault no
            // client can survive, which would hide ours.
            try kafka.pushRequestErrors(apiKey: 1, errors: [6, 7])
            try kafka.pushRequestErrors(apiKey: 8, errors: [15, 27])
            try kafka.pushRequestErrors(apiKey: 12, errors: [27])
            return "mock request errors injected (fetch, commit, heartbeat)"
        default:
            return "mock broker: \(fault) not supported"
        }
    }

    func shutdown() async {}
}
