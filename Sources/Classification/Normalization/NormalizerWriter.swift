/// The running state of one normalisation pass: output pointers held in locals (no class
/// accesses in the hot loop), pending separators and repeated-character runs.
struct NormalizerWriter {
    private var bytes: UnsafeMutablePointer<UInt8>
    private var starts: UnsafeMutablePointer<Int32>
    private let buffer: NormalizationBuffer
    private(set) var count: Int
    private var capacity: Int
    private var lastWordScalar: UInt32 = 0
    private var lastWordClass: UInt32 = 0xFF
    /// Copies of `lastWordScalar` seen in a row (adjacent, or separated only by removed separators).
    private var runCount = 0
    /// Output bytes of the run's first copy; set when the second copy arrives.
    private var runFirstStart = 0
    private var runFirstEnd = 0
    /// Output offset of the first separator written since the last word scalar, or −1.
    private var separatorStart = -1

    init(_ out: NormalizationBuffer) {
        bytes = out.bytes
        starts = out.starts
        buffer = out
        count = out.count
        capacity = out.capacity
    }

    /// A scalar that folds to several (`ﬁ` → `fi`), each packed like a fold-table entry.
    @inline(never)
    mutating func emitExpansion(_ expansion: [UInt32], origin: Int32) {
        reserve(expansion.count * 4)
        for packed in expansion {
            emit(packed & 0x1F_FFFF, cls: packed >> 21, origin: origin)
        }
    }

    /// Makes room for `extra` more bytes, re-reading the buffer's pointers if it grew.
    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        buffer.count = count
        buffer.reserve(extra)
        bytes = buffer.bytes
        starts = buffer.starts
        capacity = buffer.capacity
    }

    /// A Han ideograph that folds to itself, given as its three UTF-8 bytes at `utf8`: copied as
    /// is unless it ends a separator run or repeats the previous scalar (then the general path).
    @inline(__always)
    mutating func emitHanIdentity(_ v: UInt32, utf8: UnsafePointer<UInt8>, origin: Int32) {
        guard separatorStart < 0, v != lastWordScalar else {
            emit(v, cls: ScalarClass.han.rawValue, origin: origin)
            return
        }
        runCount = 1
        lastWordScalar = v
        lastWordClass = ScalarClass.han.rawValue
        starts[count] = origin
        let p = bytes + count
        p[0] = utf8[0]
        p[1] = utf8[1]
        p[2] = utf8[2]
        count &+= 3
    }

    /// One folded scalar of class `cls` that came from original scalar `origin`.
    @inline(__always)
    mutating func emit(_ v: UInt32, cls: UInt32, origin: Int32) {
        if cls == ScalarClass.separator.rawValue {
            if separatorStart < 0 { separatorStart = count }
            write(v, origin: origin)
            return
        }
        var adjacent = separatorStart < 0
        if !adjacent, cls == ScalarClass.han.rawValue, lastWordClass == ScalarClass.han.rawValue {
            count = separatorStart
            adjacent = true
        }
        separatorStart = -1
        if adjacent, v == lastWordScalar, cls != ScalarClass.digit.rawValue {
            if runCount == 1 {
                // The first copy is the last thing written.
                runFirstEnd = count
                runFirstStart = count - Self.utf8Length(v)
            }
            runCount &+= 1
            let limit = cls == ScalarClass.han.rawValue ? 3 : 4
            if runCount >= limit {
                if runCount == limit { count = runFirstEnd }
                buffer.extendRun(from: runFirstStart, to: runFirstEnd, end: origin &+ 1)
                return
            }
        } else {
            runCount = 1
        }
        lastWordScalar = v
        lastWordClass = cls
        write(v, origin: origin)
    }

    @inline(__always)
    private static func utf8Length(_ v: UInt32) -> Int {
        v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4
    }

    @inline(__always)
    private mutating func write(_ v: UInt32, origin: Int32) {
        let p = bytes + count
        starts[count] = origin
        if v < 0x80 {
            p[0] = UInt8(truncatingIfNeeded: v)
            count &+= 1
        } else if v < 0x800 {
            p[0] = UInt8(truncatingIfNeeded: 0xC0 | (v >> 6))
            p[1] = UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F))
            count &+= 2
        } else if v < 0x10000 {
            p[0] = UInt8(truncatingIfNeeded: 0xE0 | (v >> 12))
            p[1] = UInt8(truncatingIfNeeded: 0x80 | ((v >> 6) & 0x3F))
            p[2] = UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F))
            count &+= 3
        } else {
            p[0] = UInt8(truncatingIfNeeded: 0xF0 | (v >> 18))
            p[1] = UInt8(truncatingIfNeeded: 0x80 | ((v >> 12) & 0x3F))
            p[2] = UInt8(truncatingIfNeeded: 0x80 | ((v >> 6) & 0x3F))
            p[3] = UInt8(truncatingIfNeeded: 0x80 | (v & 0x3F))
            count &+= 4
        }
    }
}
