/// Reusable output buffers of one normalisation: the normalised UTF-8 bytes and, for every output
/// scalar, the original code-point offset it came from.
///
/// Invariant: output scalar `k < scalarCount` came from original scalars
/// `starts[k] ..< starts[k] + 1`, widened to the end of a squeezed run by `runEnds` (byte ranges). Not
/// thread-safe: one user at a time (the classifier checks buffers out of a pool).
final class NormalizationBuffer {
    /// A squeezed run: output bytes `[from, to)` stand for original scalars up to `end`.
    struct RunEnd {
        var from: Int32
        var to: Int32
        var end: Int32
    }

    @exclusivity(unchecked) private(set) var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var starts: UnsafeMutablePointer<Int32>
    /// Number of valid output bytes.
    @exclusivity(unchecked) var count = 0
    /// Number of output scalars (entries of `starts`).
    @exclusivity(unchecked) var scalarCount = 0
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
        scalarOfByte?.deallocate()
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

    /// Byte → scalar index (`scalarOfByteCapacity` entries allocated), built on first use after
    /// each normalisation: only messages with matches pay for it.
    @exclusivity(unchecked) private var scalarOfByte: UnsafeMutablePointer<Int32>?
    @exclusivity(unchecked) private var scalarOfByteCapacity = 0
    @exclusivity(unchecked) private var scalarOfByteValid = false

    /// Forgets the byte → scalar index; called whenever the contents change.
    @inline(__always)
    func invalidateIndex() {
        scalarOfByteValid = false
    }

    /// The index of the output scalar that output byte `i` belongs to.
    func scalarIndex(ofByte i: Int) -> Int {
        precondition(i >= 0 && i < count, "byte offset outside the normalised text")
        if !scalarOfByteValid {
            if scalarOfByteCapacity < count {
                scalarOfByte?.deallocate()
                scalarOfByteCapacity = capacity
                scalarOfByte = .allocate(capacity: capacity)
            }
            let index = scalarOfByte!
            var k: Int32 = -1
            for j in 0..<count {
                // Each lead byte (not 10xxxxxx) starts the next scalar.
                k &+= bytes[j] & 0xC0 != 0x80 ? 1 : 0
                index[j] = k
            }
            scalarOfByteValid = true
        }
        return Int(scalarOfByte![i])
    }

    /// The original start offset of the scalar that output byte `i` belongs to.
    func originalStart(ofByte i: Int) -> Int {
        Int(starts[scalarIndex(ofByte: i)])
    }

    /// The original end offset of the scalar that output byte `i` belongs to.
    func originalEnd(ofByte i: Int) -> Int {
        var end = Int(starts[scalarIndex(ofByte: i)]) + 1
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
