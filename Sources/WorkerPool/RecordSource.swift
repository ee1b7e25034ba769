import KafkaClient
import Logging

/// Told of partition ownership changes, synchronously on the thread inside `RecordSource.poll`.
protocol PartitionOwnershipListener: AnyObject, Sendable {
    func partitionsAssigned(_ partitions: [TopicPartition])
    func partitionsRevoked(_ partitions: [TopicPartition])
    func partitionsLost(_ partitions: [TopicPartition])
}

/// The consumer operations the pool needs: `KafkaConsumer` in production, an in-memory source in
/// tests. Every method is called from the pool's poll thread only.
protocol RecordSource: AnyObject, Sendable {
    func subscribe(topics: [String], ownershipListener: any PartitionOwnershipListener) throws
    func poll(maxRecords: Int, timeout: Duration) throws -> [KafkaRecord]
    func storeOffsets(_ nextOffsets: [TopicPartition: Int64]) throws
    func commit() throws
    func pause(_ partitions: [TopicPartition]) throws
    func resume(_ partitions: [TopicPartition]) throws
    func close() throws
}

extension KafkaConsumer: RecordSource {
    func subscribe(topics: [String], ownershipListener: any PartitionOwnershipListener) throws {
        try subscribe(topics: topics, listener: RebalanceBridge(ownershipListener))
    }
}

/// Adapts `KafkaRebalanceListener` to the pool's listener; holds the pool weakly so that the
/// consumer (which keeps its listener) never keeps the pool alive.
private final class RebalanceBridge: KafkaRebalanceListener {
    private weak let target: (any PartitionOwnershipListener)?

    init(_ target: any PartitionOwnershipListener) {
        self.target = target
    }

    func partitionsAssigned(_ partitions: [TopicPartition], by consumer: KafkaConsumer) {
        target?.partitionsAssigned(partitions)
    }

    func partitionsRevoked(_ partitions: [TopicPartition], by consumer: KafkaConsumer) {
        target?.partitionsRevoked(partitions)
    }

    func partitionsLost(_ partitions: [TopicPartition], by consumer: KafkaConsumer) {
        target?.partitionsLost(partitions)
    }
}
