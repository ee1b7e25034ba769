/// What the normaliser does with a folded scalar.
///
/// The raw values are stored in the fold table's entries; they must stay below 8.
enum ScalarClass: UInt32 {
    /// Format characters, zero-width characters, variation selectors, combining marks: removed.
    case drop = 0
    /// Spaces, punctuation, symbols and emoji: kept, except between two Han characters.
    case separator = 1
    /// Letters other than Han (Latin, Cyrillic, kana, Hangul …).
    case letter = 2
    /// Decimal digits. Never squeezed, so phone numbers and amounts survive.
    case digit = 3
    /// Han ideographs (after traditional → simplified folding).
    case han = 4
}

extension Unicode.Scalar {
    /// Whether the scalar is a Han ideograph: the CJK unified blocks, their extensions, the
    /// compatibility block and the ideographic iteration/zero marks.
    @inline(__always)
    var isHanIdeograph: Bool {
        Self.isHan(value)
    }

    @inline(__always)
    static func isHan(_ v: UInt32) -> Bool {
        (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0xF900 && v <= 0xFAFF)
            || (v >= 0x20000 && v <= 0x3134F) || v == 0x3005 || v == 0x3007
    }
}
