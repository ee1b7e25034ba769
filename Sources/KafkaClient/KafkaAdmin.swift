import CRdKafka
import Logging

/// Topic administration over its own `rd_kafka_t` (freed in `deinit`). Waiting for results
/// happens on the admin's own `BlockingExecutor` thread.
public final class KafkaAdmin: Sendable {
    private let handle: RdKafkaHandle
    private let executor = BlockingExecutor(name: "kafka-admin")

    /// Creates the admin client. Throws a `KafkaError` naming any property librdkafka rejects.
    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        self.handle = try RdKafkaHandle(
            type: RD_KAFKA_PRODUCER, configuration: configuration, context: RdKafkaCallbackContext(logger: logger))
    }

    /// Creates `name` with `partitions` partitions; a topic that already exists counts as success
    /// (its partition count is not checked). Throws a `KafkaError` on any other outcome.
    public func createTopic(
        _ name: String, partitions: Int32, replicationFactor: Int16 = 1, timeout: Duration = .seconds(30)
    ) async throws {
        let handle = self.handle
        try await executor.run {
            try KafkaAdmin.createTopic(
                handle, name, partitions: partitions, replicationFactor: replicationFactor, timeout: timeout)
        }
    }

    private static func createTopic(
        _ handle: RdKafkaHandle, _ name: String, partitions: Int32, replicationFactor: Int16, timeout: Duration
    ) throws(KafkaError) {
        var errstr = [CChar](repeating: 0, count: 512)
        func text() -> String { errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } }
        guard let newTopic = rd_kafka_NewTopic_new(name, partitions, Int32(replicationFactor), &errstr, errstr.count)
        else {
            throw KafkaError(RD_KAFKA_RESP_ERR__INVALID_ARG, message: "topic '\(name)': \(text())")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        try handle.withPointer { (rk) throws(KafkaError) in
            let queue = rd_kafka_queue_new(rk)!
            defer { rd_kafka_queue_destroy(queue) }
            let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)!
            defer { rd_kafka_AdminOptions_destroy(options) }
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeout.milliseconds, &errstr, errstr.count)
            _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.milliseconds, &errstr, errstr.count)
            var topics: [OpaquePointer?] = [newTopic]
            rd_kafka_CreateTopics(rk, &topics, 1, options, queue)
            // The operation times out itself; the extra second only covers delivery of that result.
            guard let event = rd_kafka_queue_poll(queue, (timeout + .seconds(1)).milliseconds) else {
                throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, message: "create topic '\(name)': no result")
            }
            defer { rd_kafka_event_destroy(event) }
            let eventError = rd_kafka_event_error(event)
            if eventError != RD_KAFKA_RESP_ERR_NO_ERROR {
                let message = String(cString: rd_kafka_event_error_string(event))
                throw KafkaError(eventError, message: "create topic '\(name)': \(message)")
            }
            guard let result = rd_kafka_event_CreateTopics_result(event) else {
                throw KafkaError(RD_KAFKA_RESP_ERR__FAIL, message: "create topic '\(name)': unexpected event")
            }
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(result, &count)
            for index in 0..<count {
                guard let topicResult = results?[index] else { continue }
                let err = rd_kafka_topic_result_error(topicResult)
                guard err != RD_KAFKA_RESP_ERR_NO_ERROR, err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else { continue }
                let message = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? ""
                throw KafkaError(err, message: "create topic '\(name)': \(message)")
            }
        }
    }
}
