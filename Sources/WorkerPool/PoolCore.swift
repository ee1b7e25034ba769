import KafkaClient

/// One record handed to the pool, tagged with the assignment it came from. A class: it moves
/// through queues and batches several times, and one reference is cheaper to copy than a record's
/// six reference-counted fields.
final class Delivery: Sendable {
    let record: KafkaRecord
    /// The partition's assignment epoch when the record was admitted: a completion from an older
    /// assignment (the partition was revoked and came back) must not touch the new watermark.
    let epoch: UInt64

    init(record: KafkaRecord, epoch: UInt64) {
        self.record = record
        self.epoch = epoch
    }
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
    private var owned: [PartitionKey: Owned] = [:]
    private var dirty: Set<PartitionKey> = []
    private var nextEpoch: UInt64 = 0
    /// Polled batches not yet admitted: the poll thread only enqueues (cheap), and the next worker
    /// (or rebalance step) to take the lock admits them, so that admission runs beside polling.
    private var inbox: [[KafkaRecord]] = []
    private var inboxCount = 0

    init(maxInFlight: Int, resumeAt: Int?) {
        scheduler = KeyScheduler(maxInFlight: maxInFlight, resumeAt: resumeAt)
    }

    var inFlight: Int { scheduler.inFlight }
    /// Records that may still be polled: the bound minus records held and records enqueued.
    var capacity: Int { max(0, scheduler.capacity - inboxCount) }
    /// True when a worker has something to do (ready records, or an inbox to admit).
    var hasWork: Bool { scheduler.readyCount > 0 || inboxCount > 0 }
    var isPaused: Bool { scheduler.isPaused }
    var hasReady: Bool { scheduler.readyCount > 0 }
    var readyCount: Int { scheduler.readyCount }
    var ownedPartitions: Set<TopicPartition> { Set(owned.keys.map(\.partition)) }

    /// Starts owning `partitions` with fresh watermarks.
    mutating func assign(_ partitions: [TopicPartition]) -> FlowAction? {
        for partition in partitions where owned[PartitionKey(partition)] == nil {
            nextEpoch += 1
            owned[PartitionKey(partition)] = Owned(epoch: nextEpoch)
        }
        return scheduler.assign(partitions)
    }

    /// Queues a polled batch for admission by `admitInbox`.
    mutating func enqueue(_ records: [KafkaRecord]) {
        guard !records.isEmpty else { return }
        inbox.append(records)
        inboxCount += records.count
    }

    /// Admits every enqueued batch, in poll order. Must run before any step that depends on what
    /// was polled (taking jobs, assignment changes, shutdown).
    mutating func admitInbox() -> (refused: Int, actions: [FlowAction]) {
        guard !inbox.isEmpty else { return (0, []) }
        var refused = 0
        var actions: [FlowAction] = []
        for batch in inbox {
            let result = admit(batch)
            refused += result.refused
            actions += result.actions
        }
        inbox.removeAll(keepingCapacity: true)
        inboxCount = 0
        return (refused, actions)
    }

    /// Admits polled records. Records of partitions not owned or draining, and records at or below
    /// an offset already handed out, are refused (counted, not kept).
    mutating func admit(_ records: [KafkaRecord]) -> (refused: Int, actions: [FlowAction]) {
        var refused = 0
        var actions: [FlowAction] = []
        for record in records {
            let partition = record.topicPartition
            guard scheduler.isAccepting(partition), let index = owned.index(forKey: PartitionKey(partition)),
                owned.values[index].watermark.handOut(record.offset)
            else {
                refused += 1
                continue
            }
            let (_, action) = scheduler.admit(
                Delivery(record: record, epoch: owned.values[index].epoch), partition: partition, key: record.key)
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
        let partition = PartitionKey(job.ticket.lane.partition)
        if let index = owned.index(forKey: partition), owned.values[index].epoch == job.item.epoch,
            owned.values[index].watermark.complete(job.item.record.offset)
        {
            dirty.insert(partition)
        }
        return (true, action)
    }

    /// True while the job's partition is still owned in the job's epoch (its work still counts).
    func isLive(_ job: Job) -> Bool {
        owned[PartitionKey(job.ticket.lane.partition)]?.epoch == job.item.epoch
    }

    /// Running records of these partitions.
    func running(in partitions: Set<TopicPartition>) -> Int {
        partitions.reduce(0) { $0 + scheduler.running(in: $1) }
    }

    /// The watermarks that moved since last taken (of `only` these partitions when given).
    mutating func takeOffsetsToStore(only: Set<TopicPartition>? = nil) -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        let candidates = only.map { dirty.union($0.map(PartitionKey.init)) } ?? dirty
        for key in candidates where only?.contains(key.partition) ?? true {
            if let offset = owned[key]?.watermark.takeOffsetToStore() {
                offsets[key.partition] = offset
            }
            dirty.remove(key)
        }
        return offsets
    }

    mutating func stopTaking(_ partitions: Set<TopicPartition>) -> (dropped: Int, action: FlowAction?) {
        scheduler.stopTaking(partitions)
    }

    /// Forgets `partitions` entirely (after their offsets were stored, or when lost).
    mutating func remove(_ partitions: Set<TopicPartition>) -> (dropped: Int, action: FlowAction?) {
        for partition in partitions {
            owned[PartitionKey(partition)] = nil
            dirty.remove(PartitionKey(partition))
        }
        return scheduler.remove(partitions)
    }
}
