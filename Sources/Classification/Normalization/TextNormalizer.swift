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
        if text.utf8.withContiguousStorageIfAvailable({ normalize(utf8: $0, into: buffer) }) == nil {
            var copy = text
            copy.makeContiguousUTF8()
            copy.utf8.withContiguousStorageIfAvailable { normalize(utf8: $0, into: buffer) }
        }
    }

    /// Copies `text` unchanged into `buffer`, with its offset map (no normalisation).
    func copyVerbatim(_ text: String, into out: NormalizationBuffer) {
        var text = text
        text.makeContiguousUTF8()
        text.utf8.withContiguousStorageIfAvailable { input in
            out.reset(reserving: input.count)
            guard let source = input.baseAddress else { return }
            out.bytes.update(from: source, count: input.count)
            let starts = out.starts
            var index: Int32 = 0
            for k in 0..<input.count where source[k] & 0xC0 != 0x80 {
                starts[k] = index
                index &+= 1
            }
            out.count = input.count
        }
    }

    /// Normalises valid UTF-8 into `buffer`, replacing its contents.
    func normalize(utf8 input: UnsafeBufferPointer<UInt8>, into out: NormalizationBuffer) {
        // A single folded scalar never needs more than twice its input bytes; expansions reserve
        // their own room.
        out.reset(reserving: input.count * 2 + 16)
        var w = NormalizerWriter(out)
        let n = input.count
        guard let base = input.baseAddress else { return }
        var i = 0
        var index: Int32 = 0
        let hanBase = FoldTable.hanBlock.lowerBound
        let hanCount = UInt32(FoldTable.hanBlock.count)
        // Plain reads of the table's immutable arrays (no closures, no copies to retain), so the
        // writer's state stays in registers.
        let table = self.table
        while i < n {
            let b0 = UInt32(base[i])
            let entry: UInt32
            if b0 & 0xF0 == 0xE0 {
                // Three bytes: Han and CJK punctuation, most of a Chinese message.
                let v = ((b0 & 0x0F) << 12) | ((UInt32(base[i + 1]) & 0x3F) << 6) | (UInt32(base[i + 2]) & 0x3F)
                let hanOffset = v &- hanBase
                if hanOffset < hanCount, table.hanIdentity[Int(hanOffset >> 6)] & (1 << UInt64(hanOffset & 63)) != 0 {
                    w.emitHanIdentity(v, utf8: base + i, origin: index)
                    i &+= 3
                    index &+= 1
                    continue
                }
                entry = table.bmp[Int(v)]
                i &+= 3
            } else if b0 < 0x80 {
                entry = table.bmp[Int(b0)]
                i &+= 1
            } else if b0 < 0xE0 {
                entry = table.bmp[Int(((b0 & 0x1F) << 6) | (UInt32(base[i + 1]) & 0x3F))]
                i &+= 2
            } else {
                let v =
                    ((b0 & 0x07) << 18) | ((UInt32(base[i + 1]) & 0x3F) << 12)
                    | ((UInt32(base[i + 2]) & 0x3F) << 6) | (UInt32(base[i + 3]) & 0x3F)
                entry = table.entry(v)
                i &+= 4
            }
            let cls = (entry >> 21) & 7
            if cls == FoldTable.expansionClass {
                w.emitExpansion(table.expansions[Int(entry & 0x1F_FFFF)], origin: index)
            } else if cls != ScalarClass.drop.rawValue {
                w.emit(entry & 0x1F_FFFF, cls: cls, origin: index)
            }
            index &+= 1
        }
        out.count = w.count
    }
}
