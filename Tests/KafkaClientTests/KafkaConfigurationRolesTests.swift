import Testing

@testable import KafkaClient

@Suite struct KafkaConfigurationRolesTests {
    let shared = KafkaConfiguration([
        "bootstrap.servers": "b:9092", "security.protocol": "ssl", "group.id": "g", "session.timeout.ms": "3000",
        "fetch.wait.max.ms": "10", "linger.ms": "5", "enable.idempotence": "true", "acks": "all",
    ])

    @Test func aProducerKeepsSharedAndProducerPropertiesOnly() {
        #expect(
            shared.forProducer.properties == [
                "bootstrap.servers": "b:9092", "security.protocol": "ssl", "linger.ms": "5",
                "enable.idempotence": "true", "acks": "all",
            ])
    }

    @Test func aConsumerKeepsSharedAndConsumerPropertiesOnly() {
        #expect(
            shared.forConsumer.properties == [
                "bootstrap.servers": "b:9092", "security.protocol": "ssl", "group.id": "g",
                "session.timeout.ms": "3000", "fetch.wait.max.ms": "10",
            ])
    }

    @Test func bothSplitsAreAcceptedByLibrdkafkaWithoutAnError() throws {
        // Building real clients proves every kept name is one librdkafka knows for that role.
        var configuration = shared
        configuration["security.protocol"] = "plaintext"
        _ = try KafkaProducer(configuration: configuration.forProducer, logger: .init(label: "test"))
        _ = try KafkaConsumer(configuration: configuration.forConsumer, logger: .init(label: "test"))
    }
}
