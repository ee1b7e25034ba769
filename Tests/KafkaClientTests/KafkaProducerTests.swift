import CRdKafka
import Foundation
import Logging
import Synchronization
import Testing

@testable import KafkaClient

@Suite struct KafkaProducerTests {
    @Test func sendToAnUnreachableBrokerFailsWithARetriableKafkaError() async throws {
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1", ["message.timeout.ms": "1500"]),
            logger: KafkaTestSupport.logger)
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: "anywhere", key: nil, value: [1])
        }
        #expect(error?.code == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue)
        #expect(error?.name == "_MSG_TIMED_OUT")
        #expect(error?.isRetriable == true)
        #expect(error?.isFatal == false)
    }

    @Test func anUnknownPropertyIsNamedInTheError() throws {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(
                configuration: KafkaConfiguration(["no.such.property": "1"]), logger: KafkaTestSupport.logger)
        }
        #expect(error?.property == "no.such.property")
        #expect(error?.message.contains("no.such.property") == true)
        #expect(error?.message.contains("No such configuration property") == true)
    }

    @Test func aBadValueIsNamedInTheError() throws {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(
                configuration: KafkaConfiguration(["group.id": "g", "session.timeout.ms": "banana"]),
                logger: KafkaTestSupport.logger)
        }
        #expect(error?.property == "session.timeout.ms")
        #expect(error?.message.contains("session.timeout.ms") == true)
        #expect(error?.message.contains("Invalid value") == true)
    }

    @Test func aConsumerWithoutAGroupIsRejected() throws {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: KafkaConfiguration(), logger: KafkaTestSupport.logger)
        }
        #expect(error?.property == "group.id")
    }

    @Test func aSendCompletesAfterTheBrokerComesBack() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("down-up")
        try kafka.createTopic(topic, partitions: 1)
        let logs = CapturedLogs()
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: kafka.bootstrapServers),
            logger: Logger(label: "down-up") { _ in logs })
        let before = try await producer.send(topic: topic, key: nil, value: [1])

        try kafka.setBrokerDown(1)
        // The producer has noticed: librdkafka reports every broker down.
        try await waitUntil { logs.entries.contains { $0.message.contains("brokers are down") } }
        let pending = Task { try await producer.send(topic: topic, key: nil, value: [2]) }
        try await waitUntil { producer.inFlightCount == 1 }
        try kafka.setBrokerUp(1)
        let after = try await pending.value
        #expect(after.partition == 0)
        #expect(after.offset == before.offset + 1)
    }

    @Test func retriableProduceErrorsAreRetriedUntilTheSendSucceeds() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("request-errors")
        try kafka.createTopic(topic, partitions: 1)
        let producer = try KafkaTestSupport.producer(kafka)
        _ = try await producer.send(topic: topic, key: nil, value: [0])
        let produceApi: Int16 = 0
        try kafka.pushRequestErrors(
            apiKey: produceApi,
            errors: [RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS.rawValue, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT.rawValue])
        let delivery = try await producer.send(topic: topic, key: nil, value: [1])
        #expect(delivery.offset == 1)
    }

    @Test func aNonRetriableProduceErrorFailsTheSend() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("fatal-errors")
        try kafka.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(
                bootstrapServers: kafka.bootstrapServers, ["enable.idempotence": "false"]),
            logger: KafkaTestSupport.logger)
        _ = try await producer.send(topic: topic, key: nil, value: [0])
        try kafka.pushRequestErrors(apiKey: 0, errors: [RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.rawValue])
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: topic, key: nil, value: [1])
        }
        #expect(error?.name == "MSG_SIZE_TOO_LARGE")
        #expect(error?.isRetriable == false)
    }

    @Test func aSlowBrokerStillAcknowledges() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("rtt")
        try kafka.createTopic(topic, partitions: 1)
        try kafka.setRoundTripDelay(brokerID: 1, .milliseconds(200))
        let producer = try KafkaTestSupport.producer(kafka)
        let start = ContinuousClock.now
        _ = try await producer.send(topic: topic, key: nil, value: [1])
        #expect(ContinuousClock.now - start >= .milliseconds(200))
        try producer.flush(timeout: .seconds(5))
        #expect(producer.inFlightCount == 0)
    }

    @Test func enqueuedRecordsKeepTheirOrderAndEachIsReportedOnce() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("order")
        try kafka.createTopic(topic, partitions: 1)
        let producer = try KafkaTestSupport.producer(kafka)
        let offsets = Mutex<[Int: Int64]>([:])
        for index in 0..<200 {
            try producer.enqueue(topic: topic, key: Array("k".utf8), value: [UInt8(index % 256)]) { result in
                guard case .success(let delivery) = result else { return }
                offsets.withLock { #expect($0.updateValue(delivery.offset, forKey: index) == nil) }
            }
        }
        try producer.flush(timeout: .seconds(10))
        let reported = offsets.withLock { $0 }
        #expect(reported.count == 200)
        #expect((0..<200).map { reported[$0] } == (0..<200).map { Optional(Int64($0)) })
    }
}

/// Re-checks `condition` every few milliseconds until it holds, failing after `timeout`.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            throw KafkaTestSupport.DeadlineExceeded(description: "condition not met within \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
