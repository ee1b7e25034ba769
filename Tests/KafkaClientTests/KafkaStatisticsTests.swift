import Foundation
import Logging
import MetricsTestKit
import Testing

@testable import KafkaClient

@Suite struct KafkaStatisticsTests {
    static let sample = """
        {"name":"rdkafka#consumer-1","type":"consumer","msg_cnt":12,"msg_size":3400,
         "topics":{"chat.group.messages":{"topic":"chat.group.messages","partitions":{
            "0":{"partition":0,"consumer_lag":42},
            "1":{"partition":1,"consumer_lag":-1},
            "-1":{"partition":-1,"consumer_lag":-1}}}},
         "cgrp":{"state":"up","rebalance_cnt":3}}
        """

    @Test func parsingKeepsKnownLagQueueCountsAndRebalances() throws {
        let statistics = try KafkaStatistics(json: Array(Self.sample.utf8))
        #expect(statistics.clientType == "consumer")
        #expect(statistics.queuedMessages == 12)
        #expect(statistics.queuedBytes == 3400)
        #expect(statistics.rebalanceCount == 3)
        #expect(statistics.consumerLag == [TopicPartition(topic: "chat.group.messages", partition: 0): 42])
    }

    @Test func malformedStatisticsAreRejected() {
        #expect(throws: (any Error).self) { try KafkaStatistics(json: Array("[1,2".utf8)) }
    }

    @Test func gaugesAreLabelledByTopicAndPartitionOnly() throws {
        let metrics = TestMetrics()
        KafkaStatisticsMetrics(factory: metrics).record(try KafkaStatistics(json: Array(Self.sample.utf8)))
        let lag = try metrics.expectGauge(
            KafkaStatisticsMetrics.consumerLag, [("topic", "chat.group.messages"), ("partition", "0")])
        #expect(lag.lastValue == 42)
        #expect(
            try metrics.expectGauge(KafkaStatisticsMetrics.queuedMessages, [("client_type", "consumer")]).lastValue
                == 12)
        #expect(try metrics.expectGauge(KafkaStatisticsMetrics.rebalances).lastValue == 3)
    }

    @Test func aConsumerWithStatisticsReportsItsLagFromTheCommittedOffset() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("statistics")
        try kafka.createTopic(topic, partitions: 1)
        let producer = try KafkaTestSupport.producer(kafka)
        for index in 0..<5 { _ = try await producer.send(topic: topic, key: nil, value: [UInt8(index)]) }

        let metrics = TestMetrics()
        var configuration = KafkaTestSupport.consumerConfiguration(kafka, group: KafkaTestSupport.unique("group"))
        configuration["statistics.interval.ms"] = "1000"
        let consumer = try KafkaConsumer(
            configuration: configuration, logger: KafkaTestSupport.logger, metricsFactory: metrics)
        let executor = BlockingExecutor(name: "statistics-consumer")
        try consumer.subscribe(topics: [topic], listener: nil)
        let partition = TopicPartition(topic: topic, partition: 0)
        let deadline = ContinuousClock.now + .seconds(30)
        var received = 0
        while received < 5, ContinuousClock.now < deadline {
            received += try await executor.run { try consumer.poll(maxRecords: 100, timeout: .milliseconds(100)) }.count
        }
        #expect(received == 5)
        // librdkafka's consumer_lag is measured from the committed offset.
        try await executor.run {
            try consumer.storeOffsets([partition: 5])
            try consumer.commit()
        }
        let lagDimensions = [("topic", topic), ("partition", "0")]
        while (try? metrics.expectGauge(KafkaStatisticsMetrics.consumerLag, lagDimensions).lastValue) != 0 {
            guard ContinuousClock.now < deadline else {
                Issue.record("no consumer lag gauge of 0 within the deadline")
                break
            }
            _ = try await executor.run { try consumer.poll(maxRecords: 100, timeout: .milliseconds(100)) }
        }
        #expect((try metrics.expectGauge(KafkaStatisticsMetrics.rebalances).lastValue ?? 0) >= 1)
        try await executor.run { try consumer.close() }
    }
}
