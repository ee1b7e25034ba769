import DequeModule
import KafkaClient

/// Decides which records may run: records with the same key in the same partition strictly one
/// after another in offset order, records of different keys concurrently, and records without a
/// key in order within their partition. Bounds the records it holds (queued or running) and
/// says when to pause partitions and when to resume them.
///
/// A pure value: the caller admits records, takes ready ones, reports completions and performs
/// the pause/resume actions it is given.
///
/// Invariants:
/// - at most one record per lane (partition and key) is running, and a lane's records start in
///   the order they were admitted;
/// - `inFlight` counts admitted records not yet completed or dropped;
/// - once `inFlight` reaches `maxInFlight` every assigned partition is paused, and they are
///   resumed only when `inFlight` falls to `resumeAt` or below (hysteresis, no flapping);
/// - a completion whose ticket belongs to a dropped lane changes nothing.
public struct KeyScheduler<Item: Sendable>: Sendable {
    /// The ordering unit: one key within one partition (`key` nil: the partition's unkeyed records).
    public struct Lane: Hashable, Sendable {
        public var partition: TopicPartition
        public var key: [UInt8]?

        public init(partition: TopicPartition, key: [UInt8]?) {
            self.partition = partition
            self.key = key
        }

        /// Hashes the partition number and key, not the topic name (equality still compares it):
        /// a pool reads few topics, and this runs for every record.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(partition.partition)
            if let key {
                hasher.combine(key.count)
                key.withUnsafeBytes { hasher.combine(bytes: $0) }
            } else {
                hasher.combine(-1)
            }
        }
    }

    /// Identifies one started record; hand it back to `complete`.
    public struct Ticket: Hashable, Sendable {
        public let lane: Lane
        let serial: UInt64
    }

    /// A record allowed to run now.
    public struct Job: Sendable {
        public var item: Item
        public var ticket: Ticket
    }

    /// What the caller must do to the consumer.
    public enum FlowAction: Equatable, Sendable {
        case pause([TopicPartition])
        case resume([TopicPartition])
    }

    private struct LaneState: Sendable {
        var serial: UInt64
        var queue = Deque<Item>()
        /// The lane's head was taken by `nextReady` and is not completed (else it waits in `ready`).
        var running = false
    }

    /// Records held (queued or running) at which every partition is paused.
    public let maxInFlight: Int
    /// Records held at or below which paused partitions resume.
    public let resumeAt: Int
    /// Admitted records not completed or dropped.
    public private(set) var inFlight = 0
    /// True while partitions are paused for back-pressure.
    public private(set) var isPaused = false

    private var lanes: [Lane: LaneState] = [:]
    private var ready = Deque<Job>()
    private var nextSerial: UInt64 = 0
    /// One entry per assigned partition (one hash lookup per record and step).
    private var slots: [PartitionKey: Slot] = [:]

    private struct Slot: Sendable {
        var draining = false
        var held = 0
        var running = 0
    }

    private var assigned: Set<TopicPartition> { Set(slots.keys.map(\.partition)) }
    private var accepting: [TopicPartition] {
        slots.compactMap { $0.value.draining ? nil : $0.key.partition }.sorted(by: Self.order)
    }

    /// `maxInFlight` ≥ 1; `resumeAt` defaults to half of it and is clamped below `maxInFlight`.
    public init(maxInFlight: Int, resumeAt: Int? = nil) {
        precondition(maxInFlight >= 1, "maxInFlight must be at least 1")
        self.maxInFlight = maxInFlight
        self.resumeAt = min(max(0, resumeAt ?? maxInFlight / 2), maxInFlight - 1)
    }

    /// Records that may still be admitted before the bound is reached.
    public var capacity: Int { max(0, maxInFlight - inFlight) }
    /// Records ready to start.
    public var readyCount: Int { ready.count }
    /// The partitions currently assigned (including those draining).
    public var assignedPartitions: Set<TopicPartition> { assigned }

    /// Whether `partition` has stopped taking records (its revocation or shutdown has begun).
    public func isDraining(_ partition: TopicPartition) -> Bool { slots[PartitionKey(partition)]?.draining ?? false }

    /// Records of `partition` admitted and not completed or dropped (queued, ready or running).
    public func held(in partition: TopicPartition) -> Int { slots[PartitionKey(partition)]?.held ?? 0 }
    /// Records of `partition` taken by `nextReady` and not completed.
    public func running(in partition: TopicPartition) -> Int { slots[PartitionKey(partition)]?.running ?? 0 }
    /// True when records of `partition` may be admitted (assigned and not draining).
    public func isAccepting(_ partition: TopicPartition) -> Bool {
        slots[PartitionKey(partition)].map { !$0.draining } ?? false
    }

    /// Adds partitions to the assignment. Returns `.pause` for the new partitions while paused for
    /// back-pressure, otherwise `.resume` for them (clearing a pause left from an earlier
    /// ownership).
    public mutating func assign(_ partitions: [TopicPartition]) -> FlowAction? {
        var new: [TopicPartition] = []
        for partition in partitions {
            let key = PartitionKey(partition)
            if slots[key] == nil {
                slots[key] = Slot()
                new.append(partition)
            } else {
                slots[key]!.draining = false
            }
        }
        guard !new.isEmpty else { return nil }
        return isPaused ? .pause(new) : .resume(new)
    }

    /// Admits a record. It becomes ready at once if its lane is idle, otherwise it waits behind
    /// the lane's earlier records. Returns `.pause` when this record reached the bound. A record
    /// of a partition that is not accepting (see `isAccepting`) is refused (`admitted` false).
    public mutating func admit(_ item: Item, partition: TopicPartition, key: [UInt8]?) -> (
        admitted: Bool, action: FlowAction?
    ) {
        guard let slot = slots.index(forKey: PartitionKey(partition)), !slots.values[slot].draining else {
            return (false, nil)
        }
        let lane = Lane(partition: partition, key: key)
        inFlight += 1
        slots.values[slot].held += 1
        if let index = lanes.index(forKey: lane) {
            lanes.values[index].queue.append(item)  // in place: no copy of the queue
        } else {
            nextSerial += 1
            lanes[lane] = LaneState(serial: nextSerial)
            ready.append(Job(item: item, ticket: Ticket(lane: lane, serial: nextSerial)))
        }
        guard !isPaused, inFlight >= maxInFlight else { return (true, nil) }
        isPaused = true
        let partitions = accepting
        return (true, partitions.isEmpty ? nil : .pause(partitions))
    }

    /// Takes the next record allowed to run, if any; it counts as running until completed.
    public mutating func nextReady() -> Job? {
        guard let job = ready.popFirst() else { return nil }
        lanes[job.ticket.lane]?.running = true
        slots[PartitionKey(job.ticket.lane.partition)]?.running += 1
        return job
    }

    /// Reports a running record finished. The lane's next record (if any) becomes ready.
    /// Returns whether the ticket was live (false: its partition was removed since), and
    /// `.resume` when held records fell to `resumeAt`.
    public mutating func complete(_ ticket: Ticket) -> (live: Bool, action: FlowAction?) {
        guard let index = lanes.index(forKey: ticket.lane), lanes.values[index].serial == ticket.serial,
            lanes.values[index].running
        else {
            return (false, nil)
        }
        let partition = ticket.lane.partition
        inFlight -= 1
        if let slot = slots.index(forKey: PartitionKey(partition)) {
            slots.values[slot].held -= 1
            slots.values[slot].running -= 1
        }
        if let next = lanes.values[index].queue.popFirst() {
            lanes.values[index].running = false
            ready.append(Job(item: next, ticket: ticket))
        } else {
            lanes.remove(at: index)
        }
        return (true, resumeIfDrained())
    }

    /// Stops taking records of `partitions` (revocation or shutdown has begun): their queued and
    /// ready records are dropped (they will be redelivered), records of them are refused from now
    /// on, and their running records stay live so that their completions still count. Returns the
    /// number of records dropped and `.resume` if that drained the bound.
    public mutating func stopTaking(_ partitions: Set<TopicPartition>) -> (dropped: Int, action: FlowAction?) {
        let partitions = partitions.filter { slots[PartitionKey($0)] != nil }
        guard !partitions.isEmpty else { return (0, nil) }
        for partition in partitions { slots[PartitionKey(partition)]!.draining = true }
        var dropped = 0
        ready.removeAll { job in
            guard partitions.contains(job.ticket.lane.partition) else { return false }
            dropped += 1
            slots[PartitionKey(job.ticket.lane.partition)]!.held -= 1
            return true
        }
        for (lane, state) in lanes where partitions.contains(lane.partition) {
            let queued = state.queue.count
            if state.running {
                if queued > 0 {
                    var kept = state
                    kept.queue = Deque()
                    lanes[lane] = kept
                }
            } else {
                lanes[lane] = nil
            }
            dropped += queued
            slots[PartitionKey(lane.partition)]!.held -= queued
        }
        inFlight -= dropped
        return (dropped, resumeIfDrained())
    }

    /// Removes partitions from the assignment (revoked after draining, or lost): everything of
    /// theirs still held is dropped, and later completions of their running records are ignored.
    /// Returns the number of records dropped (running ones included) and `.resume` if that drained
    /// the bound.
    public mutating func remove(_ partitions: Set<TopicPartition>) -> (dropped: Int, action: FlowAction?) {
        let partitions = partitions.filter { slots[PartitionKey($0)] != nil }
        guard !partitions.isEmpty else { return (0, nil) }
        var dropped = 0
        for partition in partitions {
            dropped += slots.removeValue(forKey: PartitionKey(partition))?.held ?? 0
        }
        lanes = lanes.filter { !partitions.contains($0.key.partition) }
        ready.removeAll { partitions.contains($0.ticket.lane.partition) }
        inFlight -= dropped
        return (dropped, resumeIfDrained())
    }

    private mutating func resumeIfDrained() -> FlowAction? {
        guard isPaused, inFlight <= resumeAt else { return nil }
        isPaused = false
        let partitions = accepting
        return partitions.isEmpty ? nil : .resume(partitions)
    }

    private static func order(_ a: TopicPartition, _ b: TopicPartition) -> Bool {
        (a.topic, a.partition) < (b.topic, b.partition)
    }
}

/// A partition as a dictionary key hashed by its number only (equality compares the topic too):
/// cheaper than hashing the topic name for every record.
struct PartitionKey: Hashable, Sendable {
    let partition: TopicPartition

    init(_ partition: TopicPartition) {
        self.partition = partition
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(partition.partition)
    }
}
