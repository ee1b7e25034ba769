import Foundation
import Synchronization

/// Encodes `Encodable` values to the bytes Foundation's `JSONEncoder` with sorted keys and
/// unescaped slashes would produce (with `keys` and `formatDate` standing for its key and date
/// strategies), without its boxing: the values are collected into a small tree and written once.
/// Foundation's encoder was most of the CPU of a flagged message's events and a large share of
/// its ledger writes. Warden's differential test holds the contract's style to Foundation's
/// exact bytes; the ledger's style to the same values after decoding.
public struct CompactJSONEncoder: Sendable {
    public enum Keys: Sendable {
        /// Coding keys as they are (Foundation's default).
        case asIs
        /// Foundation's `convertToSnakeCase`.
        case snakeCase
    }

    public var keys: Keys
    /// How a `Date` is written, as a string; nil lets it encode itself (Foundation's default:
    /// seconds since 2001-01-01 as a number).
    public var formatDate: (@Sendable (Date) -> String)?

    public init(keys: Keys, formatDate: (@Sendable (Date) -> String)?) {
        self.keys = keys
        self.formatDate = formatDate
    }

    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let root = try JSONTree.node(for: value, codingPath: [], style: self)
        var output: [UInt8] = []
        output.reserveCapacity(512)
        root.write(to: &output)
        return output
    }
}

/// A JSON value being built; objects and arrays are reference types so that containers handed
/// out by the encoder can keep filling them.
final class JSONTree {
    enum Value {
        case integer(Int64)
        case unsigned(UInt64)
        case double(Double)
        case bool(Bool)
        case null
        case string(String)
        case object(JSONTree)
        case array(JSONTree)
    }

    var members: [(key: String, value: Value)] = []
    var elements: [Value] = []

    /// The tree of one value: dates as the style formats them, everything else by its own
    /// `encode(to:)`.
    static func node<T: Encodable>(
        for value: T, codingPath: @autoclosure () -> [any CodingKey], style: CompactJSONEncoder
    ) throws -> Value {
        // Type comparisons first: a dynamic cast of every nested value showed in profiles.
        if T.self == Date.self, let format = style.formatDate, let date = value as? Date {
            return .string(format(date))
        }
        if T.self == String.self, let string = value as? String { return .string(string) }
        let encoder = TreeEncoder(codingPath: codingPath(), style: style)
        try value.encode(to: encoder)
        // A value that encoded nothing (an empty keyed container) is an empty object.
        return encoder.value ?? .object(JSONTree())
    }

    static func number<T: BinaryInteger>(_ value: T) -> Value {
        if let signed = Int64(exactly: value) { return .integer(signed) }
        return .unsigned(UInt64(value))
    }

    static func number(_ value: Double, codingPath: @autoclosure () -> [any CodingKey]) throws -> Value {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath(), debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        return .double(value)
    }
}

extension JSONTree.Value {
    func write(to output: inout [UInt8]) {
        switch self {
        case .integer(let value): JSONTree.writeDigits(of: value, to: &output)
        case .unsigned(let value): output.append(contentsOf: String(value).utf8)
        case .double(let value):
            // Integral values are written without a fraction, as Foundation's writer does.
            if value == value.rounded(), abs(value) < 1e15 {
                JSONTree.writeDigits(of: Int64(value), to: &output)
            } else {
                output.append(contentsOf: value.description.utf8)
            }
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        case .string(let string): JSONTree.writeString(string, to: &output)
        case .object(let tree):
            output.append(UInt8(ascii: "{"))
            let sorted = tree.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONTree.writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let tree):
            output.append(UInt8(ascii: "["))
            for (index, element) in tree.elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
    }
}

extension JSONTree {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeDigits(of value: Int64, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = output.count
        repeat {
            output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        output[start...].reverse()
    }

    /// The snake_case form of a key: unchanged without capitals (most keys), else converted
    /// once and remembered (keys are type members: a small, fixed set).
    static func jsonKey(_ key: String, _ style: CompactJSONEncoder) -> String {
        guard case .snakeCase = style.keys else { return key }
        if !key.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) { return key }
        if let known = snakeCaseKeys.withLock({ $0[key] }) { return known }
        let converted = snakeCase(key)
        snakeCaseKeys.withLock { $0[key] = converted }
        return converted
    }

    private static let snakeCaseKeys = Mutex<[String: String]>([:])

    /// A JSON string: quotes, backslashes and control characters escaped, slashes and
    /// non-ASCII text as they are. Runs of bytes that need no escape are copied whole.
    static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0xF)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Foundation's `convertToSnakeCase`: words start at an uppercase letter that follows a
    /// lowercase one, or at the last capital of a run followed by a lowercase letter
    /// (`ownerID` → `owner_id`, `myURLKey` → `my_url_key`); all lowercased, joined by `_`.
    static func snakeCase(_ key: String) -> String {
        let bytes = Array(key.utf8)
        guard !bytes.isEmpty else { return key }
        func isUpper(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }
        func isLower(_ byte: UInt8) -> Bool { byte >= 97 && byte <= 122 }
        var words: [Range<Int>] = []
        var wordStart = 0
        var search = 1
        while let upper = bytes[search...].firstIndex(where: isUpper) {
            words.append(wordStart..<upper)
            guard let lower = bytes[upper...].firstIndex(where: isLower) else {
                wordStart = upper
                search = bytes.count
                break
            }
            if lower == upper + 1 {
                wordStart = upper
            } else {
                words.append(upper..<(lower - 1))
                wordStart = lower - 1
            }
            search = lower + 1
            if search >= bytes.count { break }
        }
        words.append(wordStart..<bytes.count)
        let lowered = words.map { range in
            String(decoding: bytes[range].map { isUpper($0) ? $0 + 32 : $0 }, as: UTF8.self)
        }
        return lowered.joined(separator: "_")
    }
}
