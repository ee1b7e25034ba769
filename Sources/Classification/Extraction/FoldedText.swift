/// The text folded one scalar for one scalar, so folded offsets are original offsets: full-width
/// ASCII to ASCII, circled letters and digits (ⓦ, Ⓦ, ①) to ASCII, Chinese numerals (一三八,
/// 壹, 幺, 两) to digits, 点 and 。 to `.`, uppercase ASCII to lowercase.
struct FoldedText {
    let scalars: [Unicode.Scalar]

    init(_ text: String) {
        scalars = text.unicodeScalars.map(Self.fold)
    }

    var count: Int { scalars.count }

    subscript(index: Int) -> Unicode.Scalar { scalars[index] }

    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        let folded: UInt32
        switch value {
        case 0xFF01...0xFF5E: folded = value - 0xFEE0
        case 0x3000: folded = 0x20
        case 0x24D0...0x24E9: folded = value - 0x24D0 + 0x61
        case 0x24B6...0x24CF: folded = value - 0x24B6 + 0x61
        case 0x2460...0x2468: folded = value - 0x2460 + 0x31
        case 0x24EA: folded = 0x30
        default:
            if let digit = chineseDigits[scalar] { return digit }
            if scalar == "点" || scalar == "。" { return "." }
            folded = value
        }
        let ascii = Unicode.Scalar(folded) ?? scalar
        return ("A"..."Z").contains(ascii) ? Unicode.Scalar(ascii.value + 0x20)! : ascii
    }

    static let chineseDigits: [Unicode.Scalar: Unicode.Scalar] = [
        "〇": "0", "零": "0", "○": "0", "一": "1", "壹": "1", "幺": "1", "二": "2", "贰": "2", "两": "2",
        "三": "3", "叁": "3", "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6", "陆": "6", "七": "7",
        "柒": "7", "八": "8", "捌": "8", "九": "9", "玖": "9",
    ]

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
    /// Characters people put between digits of a phone number.
    static func isDigitSeparator(_ scalar: Unicode.Scalar) -> Bool {
        [" ", "-", ".", "·", "_", "—", "–", "*", "\t"].contains(scalar)
    }

    /// Characters inserted between the letters of a keyword to dodge filters (`v 信`, `q.q`).
    static func isKeywordSeparator(_ scalar: Unicode.Scalar) -> Bool {
        [" ", ".", "·", "_", "-", "*", "/", "|", "\\", "~", "丶", "、", "\t", "'", "`"].contains(scalar)
    }

    /// The index after `keyword` (folded, lowercase) when it starts at `index`, allowing up to
    /// two `isKeywordSeparator` characters between its letters; nil when it does not occur there.
    func keywordEnd(_ keyword: [Unicode.Scalar], at index: Int) -> Int? {
        guard index < count, scalars[index] == keyword[0] else { return nil }
        var position = index + 1
        for scalar in keyword.dropFirst() {
            var skipped = 0
            while position < count, skipped < 2, scalars[position] != scalar,
                Self.isKeywordSeparator(scalars[position])
            {
                position += 1
                skipped += 1
            }
            guard position < count, scalars[position] == scalar else { return nil }
            position += 1
        }
        return position
    }

    /// Whether `keyword` (folded, lowercase) occurs at `index`.
    func hasKeyword(_ keyword: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + keyword.count <= count else { return false }
        for (offset, scalar) in keyword.enumerated() where scalars[index + offset] != scalar { return false }
        return true
    }
}
