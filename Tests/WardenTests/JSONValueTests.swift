import Foundation
import Testing

@testable import Warden

/// The contract's JSON parser against Foundation's `JSONSerialization` (the parser it replaced):
/// the same documents accepted with the same values, the same ones refused, on hand-picked edge
/// cases and on seeded random corruptions of real contract records.
@Suite struct JSONValueTests {
    /// Foundation's tree as a `JSONValue`, for comparison.
    static func converted(_ value: Any) -> JSONValue {
        switch value {
        case is NSNull: return .null
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
            return .number(number.doubleValue)
        case let string as String: return .string(string)
        case let array as [Any]: return .array(array.map(converted))
        case let object as [String: Any]:
            return .object(JSONObject(members: object.map { ($0.key, converted($0.value)) }))
        default: fatalError("unexpected \(type(of: value))")
        }
    }

    static func foundation(_ bytes: [UInt8]) -> JSONValue? {
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
            return nil
        }
        return converted(value)
    }

    static let valid = [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        #"  {"text":"\u4f60\u597d \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"}  "#,
        #"{"n":[0,-0,1.5,-2e3,3E+2,4e-2,123456789012]}"#,
        #"{"dup":1,"dup":2}"#,
        #"{"empty":{},"list":[],"s":""}"#,
        #"{"utf8":"群组 ✓ é"}"#,
        "[1,2]", #""alone""#, "7", "null",
    ]

    static let invalid = [
        "", " ", "{", "}", #"{"a"}"#, #"{"a":}"#, "[01]", "[1.]", "[.5]", "[-]", "[1e]",
        "[+1]", #"{"a":tru}"#, #"{'a':1}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud800"}"#,
        #"{"a":"\udc00x"}"#, "{\"a\":\"tab\there\"}", #"{"a":1} x"#, #"{"a":1}{"b":2}"#, "[NaN]", "[Infinity]",
        #"{a:1}"#,
    ]

    /// Foundation tolerates trailing commas; RFC 8259 does not, and neither do we.
    @Test func refusesTrailingCommasThatFoundationTolerates() {
        for text in [#"{"a":1,}"#, "[1,]"] {
            #expect(Self.foundation(Array(text.utf8)) != nil)
            #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
        }
    }

    @Test func acceptsWhatFoundationAcceptsWithTheSameValues() throws {
        for text in Self.valid {
            let bytes = Array(text.utf8)
            #expect(try JSONValue.parse(bytes) == Self.foundation(bytes), "\(text)")
        }
    }

    @Test func refusesWhatFoundationRefuses() {
        for text in Self.invalid {
            let bytes = Array(text.utf8)
            #expect(Self.foundation(bytes) == nil, "Foundation accepts \(text)")
            #expect(throws: JSONValue.SyntaxError.self, "\(text)") { try JSONValue.parse(bytes) }
        }
        // Invalid UTF-8 inside a string, and in the middle of a multi-byte sequence.
        for bytes: [UInt8] in [
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], Array(#"{"a":""#.utf8) + [0xE4, 0xBD, 0x22, 0x7D],
        ] {
            #expect(Self.foundation(bytes) == nil)
            #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(bytes) }
        }
    }

    @Test func refusesNestingPastTheLimitWithoutExhaustingTheStack() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        _ = try JSONValue.parse(Array(fine.utf8))
    }

    /// 20,000 corruptions (bytes replaced, dropped, duplicated) of real records: both parsers
    /// agree on every one, accepted or refused, and on the value.
    @Test func agreesWithFoundationOnSeededCorruptions() {
        var random = SplitMix64(seed: 77)
        let seeds = [
            #"{"message_id":"m-1","group_id":"g-1","sender_id":"u-2","sent_at":"2026-11-27T18:00:00.123Z","text":"加我微信 \u8d5a\u94b1 now","attachments":[{"kind":"image","md5":"0cc175b9c0f1b6a831c399e269772661"}],"group":{"kind":"group","owner_id":"u-1","admin_ids":["u-3"],"member_count":200}}"#,
            #"{"action_id":"a-1","flag_id":"f-1","group_id":"g-1","actor_id":"u-1","actor_role":"owner","action":"warn_member","at":"2026-11-27T18:00:05Z","signature":"ab12"}"#,
        ].map { Array($0.utf8) }
        var accepted = 0
        for round in 0..<20_000 {
            let bytes = SeededCorruption.corrupt(seeds[round % seeds.count], using: &random)
            let ours = try? JSONValue.parse(bytes)
            var theirs = Self.foundation(bytes)
            if Self.hasTrailingComma(bytes) { theirs = nil }
            #expect(ours == theirs, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            if ours != nil { accepted += 1 }
        }
        // Both kinds of outcome were exercised.
        #expect(accepted > 1_000 && accepted < 19_000)
    }

    /// A ',' followed (after whitespace) by '}' or ']' outside strings.
    static func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        var inString = false
        var escaped = false
        var lastSignificant: UInt8 = 0
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if lastSignificant == UInt8(ascii: ",") { return true }
            default: break
            }
            lastSignificant = byte
        }
        return false
    }

    @Test func timesAreWrittenAsFoundationWritesThem() {
        var random = SplitMix64(seed: 6)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var instants = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005),
            Date(timeIntervalSince1970: 951_782_400),
        ]
        for _ in 0..<20_000 {
            // Whole milliseconds (as the ledger keeps) and arbitrary fractions, 1938 to 2223.
            let milliseconds = Double(random.next() % 9_000_000_000_000) - 1_000_000_000_000
            instants.append(Date(timeIntervalSince1970: milliseconds / 1000))
            instants.append(Date(timeIntervalSince1970: milliseconds / 1000 + Double(random.next() % 1000) / 1_000_000))
        }
        for instant in instants {
            #expect(RFC3339.format(instant) == instant.formatted(style), "\(instant.timeIntervalSince1970)")
        }
    }

    @Test func theContractsTimestampsReadAsFoundationReadsThem() throws {
        var random = SplitMix64(seed: 5)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<5_000 {
            let instant = Date(timeIntervalSince1970: Double(random.next() % 8_000_000_000_000) / 1000 - 1_000_000_000)
            let text = instant.formatted(style)
            #expect(RFC3339.parseUTC(text) == (try style.parse(text)), "\(text)")
            let whole = String(text.prefix(19)) + "Z"
            #expect(RFC3339.parseUTC(whole) == (try Date.ISO8601FormatStyle().parse(whole)), "\(whole)")
        }
        for text in [
            "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T18:00:00+08:00",
        ] {
            #expect(RFC3339.parseUTC(text) == nil, "\(text)")
        }
        #expect(RFC3339.parse("2026-11-27T18:00:00+08:00") == RFC3339.parseUTC("2026-11-27T10:00:00Z"))
        #expect(RFC3339.parseUTC("2024-02-29T23:59:59.5Z") == Date(timeIntervalSince1970: 1_709_251_199.5))
    }
}
