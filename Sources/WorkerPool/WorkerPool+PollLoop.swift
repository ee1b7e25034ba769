import Dispatch
import KafkaClient
import Logging

/// Logger metadata keys (never message text or keys).
enum LogKey {
    static let topic = "kafka.topic"
    static let partition = "kafka.partition"
    static let offset = "kafka.offset"
    static let partitions = "kafka.partitions"
    static let error = "error"
    static let count = "count"
}

extension WorkerPool {
    /// The poll thread: subscribe, poll and admit until asked to stop, then shut down. Blocking.
    func pollThreadMain() -> Result<Void, any Error> {
        var failure: (any Error)?
        do {
            try source.subscribe(topics: configuration.topics, ownershipListener: self)
            logger.info("worker pool started", metadata: ["topics": "\(configuration.topics)"])
            while case .running = state.withLock({ $0.phase }) {
                try pollOnce()
            }
        } catch {
            logger.error("worker pool poll failed", metadata: [LogKey.error: "\(error)"])
            failure = error
        }
        let abandon = state.withLock { state -> Bool in
            if case .stopping(abandon: false) = state.phase { return false }
            return true
        }
        shutDown(abandon: abandon)
        return failure.map { .failure($0) } ?? .success(())
    }

    /// One round: poll what there is room for (or, while paused for back-pressure, wait for room
    /// and poll only to serve callbacks), admit it, wake workers, apply flow actions, store offsets.
    private func pollOnce() throws {
        let roomWanted = self.roomWanted
        let (paused, capacity) = state.withLock { state -> (Bool, Int) in
            let (paused, capacity) = (state.core.isPaused, state.core.capacity)
            if paused || capacity == 0 {
                state.pollThreadWaiting = true
                state.pollThreadRoomWanted = roomWanted
            }
            return (paused, capacity)
        }
        var records: [KafkaRecord] = []
        if paused || capacity == 0 {
            // No room: wait for workers to finish (or admit) records instead of polling more.
            _ = pollThreadSignal.wait(timeout: .now() + configuration.pollTimeout.timeInterval)
            state.withLock { $0.pollThreadWaiting = false }
            if paused {
                // Every partition is paused: this poll returns no records, it serves callbacks.
                records = try source.poll(maxRecords: 1, timeout: .zero)
            }
        } else {
            records = try source.poll(
                maxRecords: min(configuration.pollBatchSize, capacity), timeout: configuration.pollTimeout)
        }
        if !records.isEmpty {
            fetchAges.value.record(records)
            admit(records)
        }
        applyPendingFlow()
        // Stored offsets are committed every auto.commit.interval.ms (5 s by default); storing
        // more often than every few tens of milliseconds only costs (revocation and shutdown
        // store explicitly).
        let now = ContinuousClock.now
        if now - lastStore.value >= .milliseconds(50) {
            lastStore.value = now
            storeOffsets(only: nil)
        }
    }

    private func admit(_ records: [KafkaRecord]) {
        let workers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.core.enqueue(records)
            // One worker admits the batch and wakes as many others as the ready records need.
            guard let worker = state.idleWorkers.popLast() else { return [] }
            return [worker]
        }
        for worker in workers { worker.resume() }
    }

    /// Pauses or resumes partitions as the scheduler asked, in the order it asked.
    func applyPendingFlow() {
        let actions = state.withLock { state -> [PoolCore.FlowAction] in
            defer { state.pendingFlow.removeAll() }
            return state.pendingFlow
        }
        for action in actions {
            do {
                switch action {
                case .pause(let partitions):
                    logger.debug("pausing partitions", metadata: [LogKey.partitions: "\(partitions)"])
                    try source.pause(partitions)
                case .resume(let partitions):
                    logger.debug("resuming partitions", metadata: [LogKey.partitions: "\(partitions)"])
                    try source.resume(partitions)
                }
            } catch {
                // A partition revoked meanwhile cannot be paused or resumed; nothing to do then.
                logger.debug("pause/resume failed", metadata: [LogKey.error: "\(error)"])
            }
        }
    }

    /// Stores moved watermarks for librdkafka's next commit; returns what was stored.
    @discardableResult
    func storeOffsets(only partitions: Set<TopicPartition>?) -> [TopicPartition: Int64] {
        let (offsets, inFlight) = state.withLock { ($0.core.takeOffsetsToStore(only: partitions), $0.core.inFlight) }
        inFlightGauge.record(inFlight)
        guard !offsets.isEmpty else { return offsets }
        do {
            try source.storeOffsets(offsets)
        } catch {
            logger.warning("cannot store offsets", metadata: [LogKey.error: "\(error)"])
        }
        return offsets
    }

    /// Blocks the poll thread until `condition` holds or `timeout` passes; true if it held.
    /// Workers signal on every completion while the poll thread waits.
    func waitOnPollThread(timeout: Duration, until condition: (inout SharedState) -> Bool) -> Bool {
        let deadline = DispatchTime.now() + timeout.timeInterval
        while true {
            let done = state.withLock { state -> Bool in
                if condition(&state) { return true }
                state.pollThreadWaiting = true
                state.pollThreadRoomWanted = 0
                return false
            }
            if done { return true }
            if pollThreadSignal.wait(timeout: deadline) == .timedOut {
                return state.withLock { state in
                    state.pollThreadWaiting = false
                    return condition(&state)
                }
            }
        }
    }

    /// Stop fetching; let running records finish (unless abandoning) up to `shutdownTimeout`;
    /// store and commit the watermarks; close the consumer; flush the DLQ producer; release workers.
    private func shutDown(abandon: Bool) {
        let owned = state.withLock { state -> Set<TopicPartition> in
            state.admitInbox(logger)
            let owned = state.core.ownedPartitions
            _ = state.core.stopTaking(owned)
            return owned
        }
        let drained =
            !abandon
            && waitOnPollThread(timeout: configuration.shutdownTimeout) { $0.core.running(in: owned) == 0 }
        if !drained {
            let running = state.withLock { $0.core.running(in: owned) }
            if running > 0 {
                logger.warning("abandoning running records at shutdown", metadata: [LogKey.count: "\(running)"])
            }
        }
        let stored = storeOffsets(only: owned)
        state.withLock { _ = $0.core.remove(owned) }
        do {
            try source.commit()
            logger.info("offsets committed at shutdown", metadata: [LogKey.partitions: "\(stored.count)"])
        } catch {
            logger.warning("commit at shutdown failed", metadata: [LogKey.error: "\(error)"])
        }
        do {
            try source.close()
        } catch {
            logger.warning("consumer close failed", metadata: [LogKey.error: "\(error)"])
        }
        do {
            try deadLetters.flush(timeout: configuration.flushTimeout)
        } catch {
            logger.warning("DLQ producer flush failed", metadata: [LogKey.error: "\(error)"])
        }
        let workers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.phase = .finished
            defer { state.idleWorkers.removeAll() }
            return state.idleWorkers
        }
        for worker in workers { worker.resume() }
        inFlightGauge.record(0)
        logger.info("worker pool stopped")
    }
}

extension Duration {
    /// Seconds as a Dispatch interval.
    var timeInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        return .nanoseconds(Int(clamping: min(seconds, 1_000_000_000) * 1_000_000_000 + attoseconds / 1_000_000_000))
    }
}

extension WorkerPool {
    /// Room worth waking a full poll thread for: a poll's worth (or a tenth of the bound, if
    /// smaller). Waking it for every finished batch made the poll thread and the workers trade
    /// the lock and a futex wake-up per batch while the pool was saturated.
    var roomWanted: Int {
        max(1, min(configuration.pollBatchSize, configuration.maxInFlight / 10))
    }
}

extension WorkerPool.SharedState {
    /// Whether a waiting poll thread has something to do: enough room to poll, flow actions to
    /// apply, or (waiting for a drain) any finished record.
    var pollThreadHasWork: Bool {
        guard pollThreadWaiting else { return false }
        return pollThreadRoomWanted == 0 || !pendingFlow.isEmpty || core.capacity >= pollThreadRoomWanted
            || phase != .running
    }

    /// Admits what the poll thread enqueued; flow actions go to `pendingFlow`.
    mutating func admitInbox(_ logger: Logger) {
        let (refused, actions) = core.admitInbox()
        pendingFlow.append(contentsOf: actions)
        if refused > 0 {
            logger.debug(
                "records refused (partition not owned, or offset already handed out)",
                metadata: [LogKey.count: "\(refused)"])
        }
    }
}
