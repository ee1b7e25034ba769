import Foundation
import Testing

@testable import KafkaClient

@Suite struct KafkaConsumerGroupTests {
    @Test func pauseStopsDeliveryOfAPartitionAndResumeRestartsIt() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("pause")
        try kafka.createTopic(topic, partitions: 2)
        let paused = TopicPartition(topic: topic, partition: 0)
        let running = TopicPartition(topic: topic, partition: 1)
        let producer = try KafkaTestSupport.producer(kafka)
        let consumer = try PolledConsumer(
            configuration: KafkaTestSupport.consumerConfiguration(kafka, group: KafkaTestSupport.unique("group")),
            topics: [topic])
        try await consumer.poll(until: { $0.listener.owned == [paused, running] })

        try await consumer.run { try $0.pause([paused]) }
        // Records for the paused partition are written (and acknowledged) before the marker on the
        // running one, so a consumer that delivered the paused partition would have them by then.
        for index in 0..<5 {
            _ = try await producer.send(topic: topic, partition: 0, key: nil, value: [UInt8(index)])
        }
        _ = try await producer.send(topic: topic, partition: 1, key: nil, value: [99])
        try await consumer.poll(until: { $0.records.contains { $0.topicPartition == running } })
        for _ in 0..<5 { try await consumer.pollOnce() }
        #expect(!consumer.records.contains { $0.topicPartition == paused })

        try await consumer.run { try $0.resume([paused]) }
        try await consumer.poll(until: { $0.records.filter { $0.topicPartition == paused }.count >= 5 })
        #expect(consumer.records.filter { $0.topicPartition == paused }.map(\.value) == (0..<5).map { [UInt8($0)] })
        try await consumer.close()
    }

    @Test func rebalanceListenerSeesAssignmentThenRevocationWhenASecondMemberJoins() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let topic = KafkaTestSupport.unique("rebalance")
        let group = KafkaTestSupport.unique("group")
        try kafka.createTopic(topic, partitions: 4)
        let all = Set((0..<4).map { TopicPartition(topic: topic, partition: Int32($0)) })

        let first = try PolledConsumer(
            configuration: KafkaTestSupport.consumerConfiguration(kafka, group: group), topics: [topic])
        try await first.poll(until: { $0.listener.owned == all })
        #expect(try await first.run { Set(try $0.assignment()) } == all)

        let second = try PolledConsumer(
            configuration: KafkaTestSupport.consumerConfiguration(kafka, group: group), topics: [topic])
        try await pollAll([first, second]) {
            let firstOwns = first.listener.owned
            let secondOwns = second.listener.owned
            return !secondOwns.isEmpty && firstOwns.isDisjoint(with: secondOwns) && firstOwns.union(secondOwns) == all
        }
        #expect(!first.listener.revoked.isEmpty)
        #expect(Set(first.listener.revoked) == second.listener.owned)
        // Cooperative rebalancing: the first member kept what it was not asked to give up.
        guard case .assigned(let initial) = first.listener.events.first else {
            Issue.record("the first event was not an assignment: \(first.listener.events)")
            return
        }
        #expect(Set(initial) == all)
        #expect(first.listener.owned.count == 2)

        // Closing revokes what remains through the listener.
        try await second.close()
        #expect(second.listener.owned.isEmpty)
        try await first.close()
    }
}
