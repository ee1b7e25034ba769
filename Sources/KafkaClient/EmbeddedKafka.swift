import CRdKafka
import Logging

/// librdkafka's mock cluster: real Kafka-protocol brokers on 127.0.0.1 ports that other clients
/// and other processes can reach through `bootstrapServers`. Broker ids run 1...brokers.
///
/// For tests and local development only: a mock partition keeps only about 5 MiB and silently
/// drops older records; transactions are not faithful. The cluster lives until `deinit`.
public final class EmbeddedKafka: @unchecked Sendable {
    // Safety: the mock API posts every operation to the cluster's own thread; both pointers are
    // immutable and freed only in deinit (cluster first, then the handle hosting it).
    private let host: RdKafkaHandle
    private let cluster: OpaquePointer
    /// The brokers' `host:port` list, for `bootstrap.servers`.
    public let bootstrapServers: String

    /// Starts `brokers` mock brokers.
    public init(brokers: Int = 1, logger: Logger) throws {
        // The cluster needs an rd_kafka_t for bookkeeping: a producer that never connects anywhere
        // (log_level 4 silences its notice about having no bootstrap servers).
        self.host = try RdKafkaHandle(
            type: RD_KAFKA_PRODUCER,
            configuration: KafkaConfiguration(["enable.idempotence": "false", "log_level": "4"]),
            context: RdKafkaCallbackContext(logger: logger))
        guard let cluster = host.withPointer({ rd_kafka_mock_cluster_new($0, Int32(brokers)) }) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__FAIL, message: "cannot start a mock cluster of \(brokers) brokers")
        }
        self.cluster = cluster
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// Creates `name` with `partitions` partitions (replication factor 1).
    public func createTopic(_ name: String, partitions: Int32) throws {
        try KafkaError.check(rd_kafka_mock_topic_create(cluster, name, partitions, 1), "create topic '\(name)'")
    }

    /// Disconnects broker `brokerID` and refuses new connections (no leader change). -1: all brokers.
    public func setBrokerDown(_ brokerID: Int32) throws {
        try KafkaError.check(rd_kafka_mock_broker_set_down(cluster, brokerID), "broker \(brokerID) down")
    }

    /// Makes broker `brokerID` the coordinator of consumer group `groupID` (by default the
    /// cluster picks one from a hash of the name).
    public func setGroupCoordinator(_ groupID: String, brokerID: Int32) throws {
        try KafkaError.check(
            rd_kafka_mock_coordinator_set(cluster, "group", groupID, brokerID), "coordinator of group \(groupID)")
    }

    /// Lets broker `brokerID` accept connections again. -1: all brokers.
    public func setBrokerUp(_ brokerID: Int32) throws {
        try KafkaError.check(rd_kafka_mock_broker_set_up(cluster, brokerID), "broker \(brokerID) up")
    }

    /// The next `errors.count` requests of protocol API `apiKey` (e.g. 0 Produce, 1 Fetch,
    /// 8 OffsetCommit) fail with these `rd_kafka_resp_err_t` codes, in order.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) throws {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, codes.count, codes)
    }

    /// Delays every response of broker `brokerID` (-1: all) by `delay`.
    public func setRoundTripDelay(brokerID: Int32, _ delay: Duration) throws {
        try KafkaError.check(
            rd_kafka_mock_broker_set_rtt(cluster, brokerID, delay.milliseconds), "broker \(brokerID) rtt")
    }
}
