/// Told about partition ownership changes of a `KafkaConsumer`.
///
/// Every method is called synchronously on the thread that is inside `KafkaConsumer.poll` (or
/// `close`), while librdkafka waits for it to return; the consumer applies the assignment change
/// only after the method returns for revocations and before it is called for assignments.
public protocol KafkaRebalanceListener: AnyObject, Sendable {
    /// The consumer now owns `partitions` (in addition to what it already had, under cooperative rebalancing).
    func partitionsAssigned(_ partitions: [TopicPartition], by consumer: KafkaConsumer)
    /// `partitions` are about to go: may block (bounded) to drain in-flight work and commit.
    func partitionsRevoked(_ partitions: [TopicPartition], by consumer: KafkaConsumer)
    /// `partitions` were already taken away (session lost); committing for them is no longer possible.
    func partitionsLost(_ partitions: [TopicPartition], by consumer: KafkaConsumer)
}
