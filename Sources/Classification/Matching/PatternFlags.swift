import CHyperscan

/// The Hyperscan flags each kind of pattern is compiled with; shared by validation and compiling
/// so that a pack that validates also compiles.
enum PatternFlags {
    /// Literal terms, escaped: byte-exact, every occurrence; start = end − length.
    static let literal: UInt32 = 0
    /// Author regexes in the main database: UTF-8 code points, Unicode classes, caseless, one
    /// report per message (start-of-match tracking makes large regex sets uncompilable or
    /// minutes slow; the start is found afterwards by `finder`).
    static let regex = UInt32(HS_FLAG_UTF8 | HS_FLAG_UCP | HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH)
    /// One regex alone, with leftmost start of match: run only over a message a regex matched,
    /// to find where the match starts.
    static let finder = UInt32(HS_FLAG_UTF8 | HS_FLAG_UCP | HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST)
    /// Pinyin spellings with ASCII word boundaries (`\b` is refused in UCP mode; Han characters
    /// count as non-word characters, so `赌db` still has a boundary before `d`).
    static let pinyin = UInt32(HS_FLAG_UTF8 | HS_FLAG_SOM_LEFTMOST)

    /// Escapes every ASCII byte of `literal` that is not a letter or digit as `\xHH`; UTF-8
    /// sequences of other scalars stay as they are.
    static func escape(_ literal: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(literal.utf8.count * 2)
        for b in literal.utf8 {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b >= 0x80 {
                out.append(b)
            } else {
                out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
