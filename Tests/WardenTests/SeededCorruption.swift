@testable import Warden

/// Seeded corruptions of a JSON document, for parsers checked against a reference: one to three
/// edits, each a byte replaced (by a JSON-significant byte or one that breaks UTF-8), dropped or
/// duplicated.
enum SeededCorruption {
    static let alphabet = Array(#"{}[]:,"\ 0123456789.eE+-truefalsn/u"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xE4, 0xFF]

    static func corrupt(_ document: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = document
        for _ in 0...(random.next() % 3) {
            if bytes.isEmpty { break }
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 3 {
            case 0: bytes[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            case 1: bytes.remove(at: at)
            default: bytes.insert(bytes[at], at: at)
            }
        }
        return bytes
    }
}
