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

    /// Normalises valid UTF-8 into `buffer`, replacing its contents.
    func normalize(utf8 input: UnsafeBufferPointer<UInt8>, into out: NormalizationBuffer) {
        var state = NormalizerState()
        out.count = 0
        out.reserve(input.count + 16)
        let n = input.count
        guard let base = input.baseAddress else { return }
        var i = 0
        var index: Int32 = 0
        let bmp = table.bmp
        bmp.withUnsafeBufferPointer { bmpTable in
            while i < n {
                let b0 = UInt32(base[i])
                var v: UInt32
                if b0 < 0x80 {
                    v = b0
                    i += 1
                } else if b0 < 0xE0 {
                    v = ((b0 & 0x1F) << 6) | (UInt32(base[i + 1]) & 0x3F)
                    i += 2
                } else if b0 < 0xF0 {
                    v = ((b0 & 0x0F) << 12) | ((UInt32(base[i + 1]) & 0x3F) << 6) | (UInt32(base[i + 2]) & 0x3F)
                    i += 3
                } else {
                    v =
                        ((b0 & 0x07) << 18) | ((UInt32(base[i + 1]) & 0x3F) << 12)
                        | ((UInt32(base[i + 2]) & 0x3F) << 6) | (UInt32(base[i + 3]) & 0x3F)
                    i += 4
                }
                let entry = v < 0x10000 ? bmpTable[Int(v)] : table.entry(v)
                let cls = (entry >> 21) & 7
                if cls == FoldTable.expansionClass {
                    for packed in table.expansions[Int(entry & 0x1F_FFFF)] {
                        state.emit(packed & 0x1F_FFFF, cls: packed >> 21, origin: index, into: out)
                    }
                } else if cls != ScalarClass.drop.rawValue {
                    state.emit(entry & 0x1F_FFFF, cls: cls, origin: index, into: out)
                }
                index += 1
            }
        }
    }
}

/// The running state of one normalisation pass (separator runs, repeated-character runs).
struct NormalizerState {
    private var lastWordScalar: UInt32 = 0
    private var lastWordClass: UInt32 = 0xFF
    private var runCount = 0
    private var runFirstStart = 0
    private var runFirstEnd = 0
    private var separatorStart = -1

    @inline(__always)
    mutating func emit(_ v: UInt32, cls: UInt32, origin: Int32, into out: NormalizationBuffer) {
        if cls == ScalarClass.separator.rawValue {
            if separatorStart < 0 { separatorStart = out.count }
            write(v, origin: origin, into: out)
            return
        }
        var adjacent = separatorStart < 0
        if !adjacent, cls == ScalarClass.han.rawValue, lastWordClass == ScalarClass.han.rawValue {
            out.count = separatorStart
            adjacent = true
        }
        separatorStart = -1
        if adjacent, v == lastWordScalar, cls != ScalarClass.digit.rawValue {
            runCount += 1
            let limit = cls == ScalarClass.han.rawValue ? 3 : 4
            if runCount >= limit {
                if runCount == limit { out.count = runFirstEnd }
                for k in runFirstStart..<runFirstEnd { out.ends[k] = origin + 1 }
                return
            }
        } else {
            runCount = 1
        }
        lastWordScalar = v
        lastWordClass = cls
        if runCount == 1 { runFirstStart = out.count }
        write(v, origin: origin, into: out)
        if runCount == 1 { runFirstEnd = out.count }
    }

    @inline(__always)
    private func write(_ v: UInt32, origin: Int32, into out: NormalizationBuffer) {
        out.reserve(4)
        let p = out.bytes + out.count
        var len = 1
        if v < 0x80 {
            p[0] = UInt8(v)
        } else if v < 0x800 {
            p[0] = UInt8(0xC0 | (v >> 6))
            p[1] = UInt8(0x80 | (v & 0x3F))
            len = 2
        } else if v < 0x10000 {
            p[0] = UInt8(0xE0 | (v >> 12))
            p[1] = UInt8(0x80 | ((v >> 6) & 0x3F))
            p[2] = UInt8(0x80 | (v & 0x3F))
            len = 3
        } else {
            p[0] = UInt8(0xF0 | (v >> 18))
            p[1] = UInt8(0x80 | ((v >> 12) & 0x3F))
            p[2] = UInt8(0x80 | ((v >> 6) & 0x3F))
            p[3] = UInt8(0x80 | (v & 0x3F))
            len = 4
        }
        let s = out.starts + out.count
        let e = out.ends + out.count
        for k in 0..<len {
            s[k] = origin
            e[k] = origin + 1
        }
        out.count += len
    }
}
