/// A 256-bit PDQ perceptual hash as four 64-bit words, most significant first (the order of its
/// 64-character hex form). Two hashes are near-duplicates when their Hamming distance is small.
public struct PDQHash: Sendable, Hashable {
    /// Words 0...3; word 0 holds hex characters 0..<16.
    public var words: (UInt64, UInt64, UInt64, UInt64)

    public init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        words = (w0, w1, w2, w3)
    }

    /// Parses exactly 64 hex digits (either case); nil otherwise.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var parsed: [UInt64] = []
        parsed.reserveCapacity(4)
        for word in 0..<4 {
            guard let value = HexParsing.word(utf8[(word * 16)..<(word * 16 + 16)]) else { return nil }
            parsed.append(value)
        }
        self.init(parsed[0], parsed[1], parsed[2], parsed[3])
    }

    /// Word `index` (0...3).
    @inline(__always)
    public func word(_ index: Int) -> UInt64 {
        switch index {
        case 0: words.0
        case 1: words.1
        case 2: words.2
        default: words.3
        }
    }

    /// The Hamming distance (0...256): popcount of the XOR of the four words.
    @inline(__always)
    public func distance(to other: PDQHash) -> Int {
        (words.0 ^ other.words.0).nonzeroBitCount + (words.1 ^ other.words.1).nonzeroBitCount
            + (words.2 ^ other.words.2).nonzeroBitCount + (words.3 ^ other.words.3).nonzeroBitCount
    }

    /// The 16-bit substring `index` (0...15), counting from the most significant bits.
    @inline(__always)
    func chunk(_ index: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: word(index >> 2) >> UInt64(48 - 16 * (index & 3)))
    }

    /// The 64-character lowercase hex form.
    public var hex: String {
        (0..<4).map { HexParsing.hex(word($0), digits: 16) }.joined()
    }

    public static func == (lhs: PDQHash, rhs: PDQHash) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

/// A 128-bit MD5 digest as two 64-bit words, most significant first.
public struct MD5Digest: Sendable, Hashable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses exactly 32 hex digits (either case); nil otherwise.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 32, let high = HexParsing.word(utf8[0..<16]), let low = HexParsing.word(utf8[16..<32])
        else { return nil }
        self.init(high: high, low: low)
    }

    /// The 32-character lowercase hex form.
    public var hex: String { HexParsing.hex(high, digits: 16) + HexParsing.hex(low, digits: 16) }
}

enum HexParsing {
    static func word(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for byte in bytes {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
