/// Tracks one partition's records between hand-out and completion, and which offset may be
/// committed.
///
/// Invariants:
/// - offsets are handed out strictly increasing (Kafka's order within a partition; gaps from
///   compaction or transaction markers are allowed);
/// - records may complete in any order;
/// - `committableOffset` is Kafka's "next offset to consume": the lowest offset handed out and not
///   yet finished, or one past the last handed-out offset when every record is finished. Every
///   record below it is finished, so committing it never skips unfinished work, however the
///   records complete.
public struct OffsetWatermark: Sendable, Equatable {
    /// Handed-out offsets not yet passed by the watermark, ascending, with their completion.
    private var window: [Entry] = []
    private var head = 0
    private var lastHandedOut: Int64?
    private var lastTaken: Int64?
    /// Records handed out and not finished.
    public private(set) var pendingCount = 0

    private struct Entry: Sendable, Equatable {
        var offset: Int64
        var finished: Bool
    }

    /// A tracker with nothing handed out.
    public init() {}

    /// Registers a record given to a handler. Returns false, changing nothing, when `offset` is
    /// not above every offset handed out before (a redelivery this tracker must not count twice).
    @discardableResult
    public mutating func handOut(_ offset: Int64) -> Bool {
        if let lastHandedOut, offset <= lastHandedOut { return false }
        guard offset >= 0 else { return false }
        window.append(Entry(offset: offset, finished: false))
        lastHandedOut = offset
        pendingCount += 1
        return true
    }

    /// Marks a handed-out record finished. Returns false when `offset` is not pending (never
    /// handed out, already finished, or below the watermark).
    @discardableResult
    public mutating func complete(_ offset: Int64) -> Bool {
        guard let index = indexOfPending(offset) else { return false }
        window[index].finished = true
        pendingCount -= 1
        while head < window.count, window[head].finished { head += 1 }
        if head == window.count {
            window.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= window.count {
            window.removeFirst(head)
            head = 0
        }
        return true
    }

    /// The next offset to consume such that every record below it is finished; `nil` before
    /// anything was handed out.
    public var committableOffset: Int64? {
        if head < window.count { return window[head].offset }
        return lastHandedOut.map { $0 + 1 }
    }

    /// `committableOffset` if it moved since the last call (or on the first call), else `nil`:
    /// what to pass to `storeOffsets` without storing the same offset twice.
    public mutating func takeOffsetToStore() -> Int64? {
        guard let offset = committableOffset, offset != lastTaken else { return nil }
        lastTaken = offset
        return offset
    }

    /// True when `offset` was handed out and is not finished.
    public func isPending(_ offset: Int64) -> Bool { indexOfPending(offset) != nil }

    /// Forgets everything, as after the partition was revoked or lost.
    public mutating func reset() {
        self = OffsetWatermark()
    }

    private func indexOfPending(_ offset: Int64) -> Int? {
        var low = head
        var high = window.count
        while low < high {
            let middle = (low + high) / 2
            if window[middle].offset < offset { low = middle + 1 } else { high = middle }
        }
        guard low < window.count, window[low].offset == offset, !window[low].finished else { return nil }
        return low
    }
}
