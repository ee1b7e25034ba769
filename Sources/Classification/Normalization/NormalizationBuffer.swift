/// Reusable output buffers of one normalisation: the normalised UTF-8 bytes and, at the lead byte
/// of every output scalar, the original code-point offset it came from.
///
/// Invariant: the output scalar whose lead byte is `i < count` came from original scalars
/// `starts[i] ..< starts[i] + 1`, widened to the end of a squeezed run by `runEnds` (byte ranges).
/// `starts` at continuation bytes is unspecified. Not thread-safe: one user at a time (the
/// classifier checks buffers out of a pool).
final class NormalizationBuffer {
    /// A squeezed run: output bytes `[from, to)` stand for original scalars up to `end`.
    struct RunEnd {
        var from: Int32
        var to: Int32
        var end: Int32
    }

    @exclusivity(unchecked) private(set) var bytes: UnsafeMutablePointer<UInt8>
    /// Indexed by output byte; meaningful at lead bytes only.
    @exclusivity(unchecked) private(set) var starts: UnsafeMutablePointer<Int32>
    /// Number of valid output bytes.
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) private(set) var capacity: Int
    /// Squeezed runs, in output order (rare: repeated characters only).
    @exclusivity(unchecked) var runEnds: [RunEnd] = []

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        bytes = .allocate(capacity: self.capacity)
        starts = .allocate(capacity: self.capacity)
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
    }

    /// Empties the buffer and makes room for `bytes` output bytes.
    @inline(__always)
    func reset(reserving bytes: Int) {
        count = 0
        if !runEnds.isEmpty { runEnds.removeAll(keepingCapacity: true) }
        reserve(bytes)
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
        b.update(from: bytes, count: count)
        s.update(from: starts, count: count)
        bytes.deallocate()
        starts.deallocate()
        bytes = b
        starts = s
        capacity = newCapacity
    }

    /// Records that output bytes `[from, to)` (one squeezed scalar) reach original offset `end`.
    func extendRun(from: Int, to: Int, end: Int32) {
        if let last = runEnds.last, last.from == Int32(from) {
            runEnds[runEnds.count - 1].end = end
        } else {
            runEnds.append(.init(from: Int32(from), to: Int32(to), end: end))
        }
    }

    /// The normalised text as a `String` (for tests and rule authors).
    var string: String {
        String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The lead byte of the output scalar that output byte `i` belongs to.
    @inline(__always)
    private func leadByte(of i: Int) -> Int {
        var k = i
        while k > 0 && bytes[k] & 0xC0 == 0x80 { k -= 1 }
        return k
    }

    /// The original start offset of the scalar that output byte `i` belongs to.
    func originalStart(ofByte i: Int) -> Int {
        precondition(i >= 0 && i < count, "byte offset outside the normalised text")
        return Int(starts[leadByte(of: i)])
    }

    /// The original end offset of the scalar that output byte `i` belongs to.
    func originalEnd(ofByte i: Int) -> Int {
        precondition(i >= 0 && i < count, "byte offset outside the normalised text")
        var end = Int(starts[leadByte(of: i)]) + 1
        if !runEnds.isEmpty {
            for run in runEnds where Int(run.from) <= i && i < Int(run.to) { end = max(end, Int(run.end)) }
        }
        return end
    }

    /// Original code-point range of the normalised byte range `[from, to)`; `nil` when empty or
    /// out of bounds.
    func originalRange(from: Int, to: Int) -> Range<Int>? {
        guard from >= 0, to <= count, from < to else { return nil }
        return originalStart(ofByte: from)..<originalEnd(ofByte: to - 1)
    }
}
