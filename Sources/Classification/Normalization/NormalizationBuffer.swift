/// Reusable output buffers of one normalisation: the normalised UTF-8 bytes and, for every output
/// byte, the half-open range of original code-point offsets it came from.
///
/// Invariant: `starts[i] < ends[i]` for every `i < count`, and both are offsets into the scalars of
/// the original text. Not thread-safe: one user at a time (the classifier checks buffers out of
/// a pool).
final class NormalizationBuffer {
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var starts: UnsafeMutablePointer<Int32>
    private(set) var ends: UnsafeMutablePointer<Int32>
    /// Number of valid output bytes.
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        bytes = .allocate(capacity: self.capacity)
        starts = .allocate(capacity: self.capacity)
        ends = .allocate(capacity: self.capacity)
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
        ends.deallocate()
    }

    /// Makes room for at least `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        let s = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        let e = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        b.update(from: bytes, count: count)
        s.update(from: starts, count: count)
        e.update(from: ends, count: count)
        bytes.deallocate()
        starts.deallocate()
        ends.deallocate()
        bytes = b
        starts = s
        ends = e
        capacity = newCapacity
    }

    /// The normalised text as a `String` (for tests and rule authors).
    var string: String {
        String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Original code-point range of the normalised byte range `[from, to)`; `nil` when empty or
    /// out of bounds.
    func originalRange(from: Int, to: Int) -> Range<Int>? {
        guard from >= 0, to <= count, from < to else { return nil }
        return Int(starts[from])..<Int(ends[to - 1])
    }
}
