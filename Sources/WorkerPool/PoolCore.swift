import KafkaClient

/// One record handed to the pool, tagged with the assignment it came from.
struct Delivery: Sendable {
    var record: KafkaRecord
    /// The partition's assignment epoch when the record was admitted: a completion from an older
    /// assignment (the partition was revoked and came back) must not touch the new watermark.
    var epoch: UInt64
}

/// The pool's bookkeeping as one value: the key scheduler plus a watermark per owned partition.
/// Every method is a pure state transition; the pool calls them under its lock and performs the
/// returned actions after releasing it.
///
/// Invariant: a partition has a watermark exactly while the scheduler has it assigned, and every
/// record the scheduler holds was handed out to its partition's watermark in the same epoch.
struct PoolCore: Sendable {
    typealias Job = KeyScheduler<Delivery>.Job
    typealias FlowAction = KeyScheduler<Delivery>.FlowAction

    private struct Owned: Sendable {
        var epoch: UInt64
        var watermark = OffsetWatermark()
    }

    private(set) var scheduler: KeyScheduler<Delivery>
    private var owned: [TopicPartition: Owned] = [:]
    private var dirty: Set<TopicPartition> = []
    private var nextEpoch: UInt64 = 0

    init(maxInFlight: Int, resumeAt: Int?) {
        scheduler = KeyScheduler(maxInFlight: maxInFlight, resumeAt: resumeAt)
    }

    var inFlight: Int { scheduler.inFlight }
    var capacity: Int { scheduler.capacity }
    var isPaused: Bool { scheduler.isPaused }
    var hasReady: Bool { scheduler.readyCount > 0 }
    var readyCount: Int { scheduler.readyCount }
    var ownedPartitions: Set<TopicPartition> { Set(owned.keys) }

    /// Starts owning `partitions` with fresh watermarks.
    mutating func assign(_ partitions: [TopicPartition]) -> FlowAction? {
        for partition in partitions where owned[partition] == nil {
            nextEpoch += 1
            owned[partition] = Owned(epoch: nextEpoch)
        }
        return scheduler.assign(partitions)
    }

    /// Admits polled records. Records of partitions not owned or draining, and records at or below
    /// an offset already handed out, are refused (counted, not kept).
    mutating func admit(_ records: [KafkaRecord]) -> (refused: Int, actions: [FlowAction]) {
        var refused = 0
        var actions: [FlowAction] = []
        for record in records {
            let partition = record.topicPartition
            guard scheduler.isAccepting(partition), let epoch = owned[partition]?.epoch,
                owned[partition]?.watermark.handOut(record.offset) == true
            else {
                refused += 1
                continue
            }
            let (_, action) = scheduler.admit(
                Delivery(record: record, epoch: epoch), partition: partition, key: record.key)
            if let action { actions.append(action) }
        }
        return (refused, actions)
    }

    mutating func nextJob() -> Job? { scheduler.nextReady() }

    /// Finishes a job: frees its lane and advances its partition's watermark, unless the job is
    /// stale (its partition was removed, possibly re-assigned since).
    mutating func complete(_ job: Job) -> (live: Bool, action: FlowAction?) {
        let (live, action) = scheduler.complete(job.ticket)
        guard live else { return (false, action) }
        let partition = job.ticket.lane.partition
        if owned[partition]?.epoch == job.item.epoch,
            owned[partition]?.watermark.complete(job.item.record.offset) == true
        {
            dirty.insert(partition)
        }
        return (true, action)
    }

    /// True while the job's partition is still owned in the job's epoch (its work still counts).
    func isLive(_ job: Job) -> Bool {
        owned[job.ticket.lane.partition]?.epoch == job.item.epoch
    }

    /// Running records of these partitions.
    func running(in partitions: Set<TopicPartition>) -> Int {
        partitions.reduce(0) { $0 + scheduler.running(in: $1) }
    }

    /// The watermarks that moved since last taken (of `only` these partitions when given).
    mutating func takeOffsetsToStore(only: Set<TopicPartition>? = nil) -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        let candidates = only.map { dirty.union($0) } ?? dirty
        for partition in candidates where only?.contains(partition) ?? true {
            if let offset = owned[partition]?.watermark.takeOffsetToStore() {
                offsets[partition] = offset
            }
            dirty.remove(partition)
        }
        return offsets
    }

    mutating func stopTaking(_ partitions: Set<TopicPartition>) -> (dropped: Int, action: FlowAction?) {
        scheduler.stopTaking(partitions)
    }

    /// Forgets `partitions` entirely (after their offsets were stored, or when lost).
    mutating func remove(_ partitions: Set<TopicPartition>) -> (dropped: Int, action: FlowAction?) {
        for partition in partitions {
            owned[partition] = nil
            dirty.remove(partition)
        }
        return scheduler.remove(partitions)
    }
}
