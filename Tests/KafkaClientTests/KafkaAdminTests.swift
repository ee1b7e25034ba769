import CRdKafka
import Testing

@testable import KafkaClient

@Suite struct KafkaAdminTests {
    /// librdkafka 2.0.2's mock cluster does not implement CreateTopics (it names no controller),
    /// so against it the admin must surface librdkafka's outcome as a retriable KafkaError rather
    /// than hang; creation itself is checked against a real broker (see the KafkaClient notes).
    @Test func anAdminRequestTheBrokerCannotServeFailsWithARetriableTimeout() async throws {
        let kafka = try EmbeddedKafka(logger: KafkaTestSupport.logger)
        let admin = try KafkaAdmin(
            configuration: KafkaConfiguration(bootstrapServers: kafka.bootstrapServers), logger: KafkaTestSupport.logger
        )
        let error = await #expect(throws: KafkaError.self) {
            try await admin.createTopic(KafkaTestSupport.unique("admin"), partitions: 3, timeout: .seconds(2))
        }
        #expect(error?.code == RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue)
        #expect(error?.isRetriable == true)
    }
}
