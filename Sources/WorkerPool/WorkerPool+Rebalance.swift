import KafkaClient
import Logging

/// Rebalance handling, called synchronously on the poll thread inside `poll` (or `close`).
extension WorkerPool {
    func partitionsAssigned(_ partitions: [TopicPartition]) {
        state.withLock { state in
            state.admitInbox(logger)
            if let action = state.core.assign(partitions) { state.pendingFlow.append(action) }
        }
        logger.info("partitions assigned to worker pool", metadata: [LogKey.partitions: "\(partitions)"])
        applyPendingFlow()
    }

    /// Stops taking the revoked partitions' records, waits (up to `revokeTimeout`) for their
    /// running records, stores and commits their watermarks, then forgets them. Kept partitions
    /// are untouched. Records abandoned at the timeout are redelivered to the next owner.
    func partitionsRevoked(_ partitions: [TopicPartition]) {
        let revoked = Set(partitions)
        let owned = state.withLock { state -> Set<TopicPartition> in
            state.admitInbox(logger)
            let owned = revoked.intersection(state.core.ownedPartitions)
            if let action = state.core.stopTaking(owned).action { state.pendingFlow.append(action) }
            return owned
        }
        guard !owned.isEmpty else { return }
        let drained = waitOnPollThread(timeout: configuration.revokeTimeout) { $0.core.running(in: owned) == 0 }
        if !drained {
            let running = state.withLock { $0.core.running(in: owned) }
            logger.warning(
                "revocation timed out; abandoning running records",
                metadata: [
                    LogKey.partitions: "\(owned.sorted { $0.description < $1.description })",
                    LogKey.count: "\(running)",
                ])
        }
        let stored = storeOffsets(only: owned)
        do {
            try source.commit()
        } catch {
            logger.warning("commit on revocation failed", metadata: [LogKey.error: "\(error)"])
            state.withLock { $0.refusedRevocationCommits += 1 }
        }
        state.withLock { state in
            if let action = state.core.remove(owned).action { state.pendingFlow.append(action) }
        }
        applyPendingFlow()
        logger.info(
            "partitions revoked from worker pool",
            metadata: [LogKey.partitions: "\(partitions)", "kafka.committed": "\(stored)"])
    }

    /// The partitions are gone already: drop their state without committing (their records will
    /// be redelivered to the new owner from its last committed offset).
    func partitionsLost(_ partitions: [TopicPartition]) {
        let dropped = state.withLock { state -> Int in
            state.admitInbox(logger)
            state.lostEvents += 1
            let (dropped, action) = state.core.remove(Set(partitions))
            if let action { state.pendingFlow.append(action) }
            return dropped
        }
        logger.warning(
            "partitions lost by worker pool",
            metadata: [LogKey.partitions: "\(partitions)", LogKey.count: "\(dropped)"])
        applyPendingFlow()
    }
}
