@testable import Classification

/// The normaliser's rules written plainly, one scalar at a time over arrays, straight from the
/// fold table: what `TextNormalizer`'s fast paths must agree with, byte for byte and offset for
/// offset.
struct ReferenceNormalizer {
    /// One output scalar and the original scalar range it stands for.
    struct Piece: Equatable {
        var scalar: UInt32
        var start: Int
        var end: Int
    }

    private struct Word {
        var scalar: UInt32
        var cls: UInt32
    }

    static func normalize(_ text: String) -> [Piece] {
        let table = FoldTable.shared
        var out: [Piece] = []
        var pending: [Piece] = []
        var lastWord: Word?
        var runCount = 0
        var runFirst = 0
        for (origin, scalar) in text.unicodeScalars.enumerated() {
            let entry = table.entry(scalar.value)
            let cls = (entry >> 21) & 7
            var folded: [(scalar: UInt32, cls: UInt32)] = []
            if cls == FoldTable.expansionClass {
                folded = table.expansions[Int(entry & 0x1F_FFFF)].map { ($0 & 0x1F_FFFF, $0 >> 21) }
            } else if cls != ScalarClass.drop.rawValue {
                folded = [(entry & 0x1F_FFFF, cls)]
            }
            for (v, cls) in folded {
                let piece = Piece(scalar: v, start: origin, end: origin + 1)
                if cls == ScalarClass.separator.rawValue {
                    pending.append(piece)
                    continue
                }
                let han = ScalarClass.han.rawValue
                let betweenHan = cls == han && lastWord?.cls == han
                let adjacent = pending.isEmpty || betweenHan
                if !betweenHan { out += pending }
                pending = []
                if adjacent, let last = lastWord, last.scalar == v, cls != ScalarClass.digit.rawValue {
                    runCount += 1
                    if runCount >= (cls == han ? 3 : 4) {
                        out.removeLast(out.count - runFirst - 1)
                        out[runFirst].end = origin + 1
                        continue
                    }
                } else {
                    runCount = 1
                    runFirst = out.count
                }
                lastWord = Word(scalar: v, cls: cls)
                out.append(piece)
            }
        }
        return out + pending
    }

    /// The pieces as normalised text and, per UTF-8 byte, the original range it maps back to.
    static func byteMap(_ pieces: [Piece]) -> (text: String, ranges: [Range<Int>]) {
        var scalars = String.UnicodeScalarView()
        var ranges: [Range<Int>] = []
        for p in pieces {
            let s = Unicode.Scalar(p.scalar)!
            scalars.append(s)
            ranges += Array(repeating: p.start..<p.end, count: String(s).utf8.count)
        }
        return (String(scalars), ranges)
    }
}
