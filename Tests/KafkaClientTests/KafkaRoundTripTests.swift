import Foundation
import Testing

@testable import KafkaClient

@Suite struct KafkaRoundTripTests {
    @Test func consumedRecordsCarryTheProducedKeysValuesAndHeaders() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("round-trip")
        try kafka.createTopic(topic, partitions: 3)
        let producer = try KafkaTestSupport.producer(kafka)
        var sent: [TopicPartition: (offset: Int64, index: Int)] = [:]
        for index in 0..<6 {
            let delivery = try await producer.send(
                topic: topic, key: Array("group-\(index)".utf8), value: Array("body-\(index)".utf8),
                headers: [
                    KafkaHeader(key: "content-type", value: Array("text/plain".utf8)),
                    KafkaHeader(key: "empty", value: nil),
                ])
            sent[TopicPartition(topic: topic, partition: delivery.partition), default: (delivery.offset, index)] =
                (delivery.offset, index)
        }

        let consumer = try PolledConsumer(
            configuration: KafkaTestSupport.consumerConfiguration(kafka, group: KafkaTestSupport.unique("group")),
            topics: [topic])
        try await consumer.poll(until: { $0.records.count >= 6 })

        let records = consumer.records
        #expect(records.count == 6)
        #expect(
            Set(records.map { String(decoding: $0.value ?? [], as: UTF8.self) }) == Set((0..<6).map { "body-\($0)" }))
        for record in records {
            let index = String(decoding: record.value ?? [], as: UTF8.self).dropFirst("body-".count)
            #expect(record.key == Array("group-\(index)".utf8))
            #expect(
                record.headers == [
                    KafkaHeader(key: "content-type", value: Array("text/plain".utf8)),
                    KafkaHeader(key: "empty", value: nil),
                ])
            #expect(record.topic == topic)
            #expect(record.timestamp != nil)
        }
        try await consumer.close()
    }

    @Test func aNewMemberResumesAfterTheCommittedOffset() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("resume")
        let group = KafkaTestSupport.unique("group")
        try kafka.createTopic(topic, partitions: 1)
        let producer = try KafkaTestSupport.producer(kafka)
        for index in 0..<10 {
            _ = try await producer.send(topic: topic, key: nil, value: [UInt8(index)])
        }

        // Auto commit off: only the explicit commit can move the group's offset.
        var first = KafkaTestSupport.consumerConfiguration(kafka, group: group)
        first["enable.auto.commit"] = "false"
        let firstMember = try PolledConsumer(configuration: first, topics: [topic])
        try await firstMember.poll(until: { $0.records.count >= 10 })
        let partition = TopicPartition(topic: topic, partition: 0)
        try await firstMember.run { consumer in
            try consumer.storeOffsets([partition: 6])
            try consumer.commit()
        }
        try await firstMember.close()

        let secondMember = try PolledConsumer(
            configuration: KafkaTestSupport.consumerConfiguration(kafka, group: group), topics: [topic])
        try await secondMember.poll(until: { $0.records.count >= 4 })
        #expect(secondMember.records.map(\.offset) == [6, 7, 8, 9])
        #expect(secondMember.records.first?.value == [6])
        try await secondMember.close()
    }

    @Test func storingAnOffsetForAPartitionNotAssignedFails() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let consumer = try KafkaConsumer(
            configuration: KafkaTestSupport.consumerConfiguration(kafka, group: KafkaTestSupport.unique("group")),
            logger: KafkaTestSupport.logger)
        #expect(throws: KafkaError.self) {
            try consumer.storeOffsets([TopicPartition(topic: "nowhere", partition: 0): 1])
        }
    }
}
