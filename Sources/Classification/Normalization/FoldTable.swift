import Foundation

/// The per-scalar folding table the normaliser consults: width/compatibility folding (NFKC),
/// case folding, diacritic removal, look-alike letters, traditional → simplified, and the class
/// of every folded scalar.
///
/// Entry layout (`UInt32`): bits 0–20 the folded scalar (or, for class 7, an index into
/// `expansions`), bits 21–23 the `ScalarClass` (7 = expansion), bit 24 set when the folded
/// scalar equals the input. Built once per process (about 0.1 s), immutable afterwards.
final class FoldTable: Sendable {
    static let expansionClass: UInt32 = 7
    static let identityBit: UInt32 = 1 << 24

    /// The table shared by every normaliser in the process.
    static let shared = FoldTable()

    /// One entry per BMP scalar (surrogates hold a separator entry and never occur).
    let bmp: [UInt32]
    /// Entries for U+1D400..<U+1FC00: mathematical alphanumerics, enclosed alphanumerics and the
    /// emoji blocks, indexed directly (emoji are frequent in chat).
    let astral: [UInt32]
    static let astralBlock: Range<UInt32> = 0x1D400..<0x1FC00
    /// Folded sequences of more than one scalar, each element packed like a table entry.
    let expansions: [[UInt32]]
    /// One bit per scalar of U+4E00..<U+A000, set when the scalar folds to itself as Han: a
    /// 2.6 KB fast path that stays in L1 where the full table would not.
    let hanIdentity: [UInt64]
    static let hanBlock: ClosedRange<UInt32> = 0x4E00...0x9FFF

    private init() {
        let t2s = Self.traditionalToSimplified()
        var expansions: [[UInt32]] = []
        var bmp = [UInt32](repeating: ScalarClass.separator.rawValue << 21, count: 0x10000)
        for v in 0..<UInt32(0x10000) {
            guard let s = Unicode.Scalar(v) else { continue }
            bmp[Int(v)] = Self.entry(for: s, t2s: t2s, expansions: &expansions)
        }
        var astral: [UInt32] = []
        astral.reserveCapacity(Self.astralBlock.count)
        for v in Self.astralBlock {
            let folds = (0x1D400...0x1D7FF).contains(v) || (0x1F100...0x1F1FF).contains(v)
            if folds, let s = Unicode.Scalar(v) {
                astral.append(Self.entry(for: s, t2s: t2s, expansions: &expansions))
            } else {
                astral.append(Self.astralEntry(v))
            }
        }
        var bits = [UInt64](repeating: 0, count: (Self.hanBlock.count + 63) / 64)
        for v in Self.hanBlock where bmp[Int(v)] == v | (ScalarClass.han.rawValue << 21) | Self.identityBit {
            let offset = Int(v - Self.hanBlock.lowerBound)
            bits[offset >> 6] |= 1 << UInt64(offset & 63)
        }
        hanIdentity = bits
        self.bmp = bmp
        self.astral = astral
        self.expansions = expansions
    }

    /// The entry for any scalar value.
    @inline(__always)
    func entry(_ v: UInt32) -> UInt32 {
        if v < 0x10000 { return bmp[Int(v)] }
        if Self.astralBlock.contains(v) { return astral[Int(v - Self.astralBlock.lowerBound)] }
        return Self.astralEntry(v)
    }

    private static func astralEntry(_ v: UInt32) -> UInt32 {
        if Unicode.Scalar.isHan(v) { return v | (ScalarClass.han.rawValue << 21) | identityBit }
        guard let s = Unicode.Scalar(v) else { return ScalarClass.separator.rawValue << 21 }
        return v | (classify(s).rawValue << 21) | identityBit
    }

    /// The class of an already folded scalar.
    static func classify(_ s: Unicode.Scalar) -> ScalarClass {
        if s.isHanIdeograph { return .han }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber:
            return .digit
        case .letterNumber, .otherNumber:
            return .letter
        case .nonspacingMark, .spacingMark, .enclosingMark, .format:
            return .drop
        case .privateUse, .unassigned, .surrogate:
            return .letter
        default:
            return .separator
        }
    }

    /// Folds one scalar: lowercase, NFKD, marks removed, NFKC, lowercase, look-alikes, T→S.
    static func fold(_ s: Unicode.Scalar, t2s: [UInt32: UInt32]) -> [Unicode.Scalar] {
        if s.isHanIdeograph && !(0xF900...0xFAFF).contains(s.value) {
            return [Unicode.Scalar(t2s[s.value] ?? s.value) ?? s]
        }
        let lowered = s.properties.lowercaseMapping
        let decomposed = lowered.decomposedStringWithCompatibilityMapping.unicodeScalars
        let withoutMarks = decomposed.filter { classify($0) != .drop }
        if withoutMarks.isEmpty {
            return decomposed.count == 1 && classify(s) != .drop ? [s] : []
        }
        var text = String(String.UnicodeScalarView(withoutMarks)).precomposedStringWithCompatibilityMapping
        text = text.lowercased()
        var out: [Unicode.Scalar] = []
        for c in text.unicodeScalars {
            var v = confusableLetters[c]?.value ?? c.value
            v = t2s[v] ?? v
            out.append(Unicode.Scalar(v) ?? c)
        }
        for start in enclosedLetterRuns where (start..<start + 26).contains(s.value) {
            return [Unicode.Scalar(UInt32(0x61) + s.value - start)!]
        }
        if out.count == 1, out[0] == s { return out }
        if out.count > 1, out.contains(where: { classify($0) != .separator && classify($0) != .drop }) {
            out.removeAll { classify($0) == .separator }
        }
        return out
    }

    private static func entry(
        for s: Unicode.Scalar, t2s: [UInt32: UInt32], expansions: inout [[UInt32]]
    ) -> UInt32 {
        let folded = fold(s, t2s: t2s)
        if folded.isEmpty { return ScalarClass.drop.rawValue << 21 }
        if folded.count == 1 {
            let f = folded[0]
            let cls = classify(f)
            if cls == .drop { return ScalarClass.drop.rawValue << 21 }
            return f.value | (cls.rawValue << 21) | (f == s ? identityBit : 0)
        }
        expansions.append(folded.map { $0.value | (classify($0).rawValue << 21) })
        return UInt32(expansions.count - 1) | (expansionClass << 21)
    }

    private static func traditionalToSimplified() -> [UInt32: UInt32] {
        var map: [UInt32: UInt32] = [:]
        for line in traditionalToSimplifiedPairs {
            var it = line.unicodeScalars.makeIterator()
            while let t = it.next(), let s = it.next() { map[t.value] = s.value }
        }
        return map
    }
}
