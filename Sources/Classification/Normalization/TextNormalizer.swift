/// Normalises chat text so evasive spellings meet the rule pack's terms in one canonical form.
///
/// In order, per scalar: NFKC width/compatibility folding, case folding, diacritic removal,
/// look-alike letters (Cyrillic, Greek, small capitals, circled/parenthesised/negative-circled
/// letters and digits) onto Latin, traditional → simplified (OpenCC's character table), removal
/// of format and zero-width characters. Then, over the sequence: separators (spaces,
/// punctuation, symbols, emoji) between two Han characters are removed, runs of three or more
/// identical Han characters (four or more identical letters) are squeezed to one. Digits are
/// never squeezed. Every output byte keeps the range of original code points it came from.
///
/// Invariant: normalising is idempotent (`n(n(x)) == n(x)`) for the texts rule terms are made of.
public struct TextNormalizer: Sendable {
    private let table: FoldTable

    /// A normaliser over the process-wide fold table.
    public init() {
        table = FoldTable.shared
    }

    /// The normalised form of `text`, with its offset map.
    public func normalize(_ text: String) -> NormalizedText {
        let buffer = NormalizationBuffer(capacity: text.utf8.count + 16)
        normalize(text, into: buffer)
        return NormalizedText(buffer: buffer)
    }

    /// The normalised form as a plain string (for rule terms).
    public func normalizedString(_ text: String) -> String {
        let buffer = NormalizationBuffer(capacity: text.utf8.count + 16)
        normalize(text, into: buffer)
        return buffer.string
    }

    /// Normalises `text` into `buffer`, replacing its contents.
    func normalize(_ text: String, into buffer: NormalizationBuffer) {
        var text = text
        if text.utf8.withContiguousStorageIfAvailable({ normalize(utf8: $0, into: buffer) }) == nil {
            text.makeContiguousUTF8()
            text.utf8.withContiguousStorageIfAvailable { normalize(utf8: $0, into: buffer) }
        }
    }

    /// Copies `text` unchanged into `buffer`, with its offset map (no normalisation).
    func copyVerbatim(_ text: String, into out: NormalizationBuffer) {
        var text = text
        text.makeContiguousUTF8()
        text.utf8.withContiguousStorageIfAvailable { input in
            out.count = 0
            out.invalidateIndex()
            if !out.runEnds.isEmpty { out.runEnds.removeAll(keepingCapacity: true) }
            out.reserve(input.count)
            var index: Int32 = 0
            for (k, b) in input.enumerated() {
                out.bytes[k] = b
                if b & 0xC0 != 0x80 {
                    out.starts[Int(index)] = index
                    index += 1
                }
            }
            out.count = input.count
            out.scalarCount = Int(index)
        }
    }

    /// Normalises valid UTF-8 into `buffer`, replacing its contents.
    func normalize(utf8 input: UnsafeBufferPointer<UInt8>, into out: NormalizationBuffer) {
        out.count = 0
        out.invalidateIndex()
        if !out.runEnds.isEmpty { out.runEnds.removeAll(keepingCapacity: true) }
        // A single folded scalar never needs more than twice its input bytes; expansions reserve
        // their own room.
        out.reserve(input.count * 2 + 16)
        var w = NormalizerWriter(out)
        let n = input.count
        guard let base = input.baseAddress else { return }
        var i = 0
        var index: Int32 = 0
        let hanBase = FoldTable.hanBlock.lowerBound
        let hanCount = UInt32(FoldTable.hanBlock.count)
        let hanClass = ScalarClass.han.rawValue
        table.hanIdentity.withUnsafeBufferPointer { hanBits in
            table.bmp.withUnsafeBufferPointer { bmpTable in
                while i < n {
                    let b0 = UInt32(base[i])
                    var v: UInt32
                    if b0 < 0x80 {
                        v = b0
                        i &+= 1
                    } else if b0 < 0xE0 {
                        v = ((b0 & 0x1F) << 6) | (UInt32(base[i + 1]) & 0x3F)
                        i &+= 2
                    } else if b0 < 0xF0 {
                        v = ((b0 & 0x0F) << 12) | ((UInt32(base[i + 1]) & 0x3F) << 6) | (UInt32(base[i + 2]) & 0x3F)
                        i &+= 3
                    } else {
                        v =
                            ((b0 & 0x07) << 18) | ((UInt32(base[i + 1]) & 0x3F) << 12)
                            | ((UInt32(base[i + 2]) & 0x3F) << 6) | (UInt32(base[i + 3]) & 0x3F)
                        i &+= 4
                    }
                    let hanOffset = v &- hanBase
                    if hanOffset < hanCount, hanBits[Int(hanOffset >> 6)] & (1 << UInt64(hanOffset & 63)) != 0 {
                        w.emit(v, cls: hanClass, origin: index)
                        index &+= 1
                        continue
                    }
                    let entry = v < 0x10000 ? bmpTable[Int(v)] : table.entry(v)
                    let cls = (entry >> 21) & 7
                    if cls == FoldTable.expansionClass {
                        let expansion = table.expansions[Int(entry & 0x1F_FFFF)]
                        w.reserve(expansion.count * 4, in: out)
                        for packed in expansion {
                            w.emit(packed & 0x1F_FFFF, cls: packed >> 21, origin: index)
                        }
                    } else if cls != ScalarClass.drop.rawValue {
                        w.emit(entry & 0x1F_FFFF, cls: cls, origin: index)
                    }
                    index &+= 1
                }
            }
        }
        out.count = w.count
        out.scalarCount = w.scalarCount
    }
}

/// The running state of one normalisation pass: output pointers held in locals (no class
/// accesses in the hot loop), separator runs and repeated-character runs.
struct NormalizerWriter {
    private var bytes: UnsafeMutablePointer<UInt8>
    private var starts: UnsafeMutablePointer<Int32>
    private let buffer: NormalizationBuffer
    private(set) var count = 0
    /// Output scalars written; `starts` is indexed by scalar.
    private(set) var scalarCount = 0
    private var capacity: Int
    private var lastWordScalar: UInt32 = 0
    private var lastWordClass: UInt32 = 0xFF
    private var runCount = 0
    private var runFirstStart = 0
    private var runFirstEnd = 0
    private var runFirstEndScalar = 0
    private var separatorStart = -1
    private var separatorStartScalar = 0

    init(_ out: NormalizationBuffer) {
        bytes = out.bytes
        starts = out.starts
        buffer = out
        count = out.count
        capacity = out.capacity
    }

    /// Makes room for `extra` more bytes, re-reading the buffer's pointers if it grew.
    mutating func reserve(_ extra: Int, in out: NormalizationBuffer) {
        guard count + extra > capacity else { return }
        out.count = count
        out.reserve(extra)
        bytes = out.bytes
        starts = out.starts
        capacity = out.capacity
    }

    @inline(__always)
    mutating func emit(_ v: UInt32, cls: UInt32, origin: Int32) {
        if cls == ScalarClass.separator.rawValue {
            if separatorStart < 0 {
                separatorStart = count
                separatorStartScalar = scalarCount
            }
            write(v, origin: origin)
            return
        }
        var adjacent = separatorStart < 0
        if !adjacent, cls == ScalarClass.han.rawValue, lastWordClass == ScalarClass.han.rawValue {
            count = separatorStart
            scalarCount = separatorStartScalar
            adjacent = true
        }
        separatorStart = -1
        if adjacent, v == lastWordScalar, cls != ScalarClass.digit.rawValue {
            runCount &+= 1
            let limit = cls == ScalarClass.han.rawValue ? 3 : 4
            if runCount >= limit {
                if runCount == limit {
                    count = runFirstEnd
                    scalarCount = runFirstEndScalar
                }
                buffer.extendRun(from: runFirstStart, to: runFirstEnd, end: origin &+ 1)
                return
            }
        } else {
            runCount = 1
        }
        lastWordScalar = v
        lastWordClass = cls
        if runCount == 1 {
            runFirstStart = count
            write(v, origin: origin)
            runFirstEnd = count
            runFirstEndScalar = scalarCount
        } else {
            write(v, origin: origin)
        }
    }

    @inline(__always)
    private mutating func write(_ v: UInt32, origin: Int32) {
        let p = bytes + count
        starts[scalarCount] = origin
        scalarCount &+= 1
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
