import Foundation

/// Typed, path-aware reads from a decoded JSON object, throwing ``ContractError``s that name
/// the field. Values are never echoed into errors.
struct JSONFields {
    let object: JSONObject
    let path: String

    static func parse(_ bytes: [UInt8], maxBytes: Int) throws -> JSONFields {
        guard bytes.count <= maxBytes else {
            throw ContractError(.tooLarge, field: "", "record is \(bytes.count) bytes; the limit is \(maxBytes)")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw ContractError(.invalidJSON, field: "", "not a JSON document: \(error.reason) at byte \(error.offset)")
        }
        guard case .object(let object) = value else {
            throw ContractError(.wrongType, field: "", "expected a JSON object at the top level")
        }
        return JSONFields(object: object, path: "")
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func present(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let string) = value else {
            throw ContractError(.wrongType, field: name(key), "expected a string")
        }
        return string
    }

    func string(_ key: String) throws -> String {
        guard let string = try optionalString(key) else {
            throw ContractError(.missingField, field: name(key), "required")
        }
        guard !string.isEmpty else { throw ContractError(.invalidValue, field: name(key), "must not be empty") }
        return string
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let value = present(key) else { return nil }
        guard case .number(let number) = value, let int = Int(exactly: number) else {
            throw ContractError(.wrongType, field: name(key), "expected an integer")
        }
        return int
    }

    func object(_ key: String) throws -> JSONFields {
        guard let value = present(key) else { throw ContractError(.missingField, field: name(key), "required") }
        guard case .object(let object) = value else {
            throw ContractError(.wrongType, field: name(key), "expected an object")
        }
        return JSONFields(object: object, path: name(key))
    }

    func optionalArray(_ key: String) throws -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard case .array(let array) = value else {
            throw ContractError(.wrongType, field: name(key), "expected an array")
        }
        return array
    }

    func stringArray(_ key: String) throws -> [String] {
        guard let array = try optionalArray(key) else { return [] }
        return try array.enumerated().map { index, element in
            guard case .string(let string) = element else {
                throw ContractError(.wrongType, field: "\(name(key))[\(index)]", "expected a string")
            }
            return string
        }
    }

    func objects(_ key: String) throws -> [JSONFields] {
        guard let array = try optionalArray(key) else { return [] }
        return try array.enumerated().map { index, element in
            guard case .object(let object) = element else {
                throw ContractError(.wrongType, field: "\(name(key))[\(index)]", "expected an object")
            }
            return JSONFields(object: object, path: "\(name(key))[\(index)]")
        }
    }

    func enumeration<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> T where T.RawValue == String {
        let raw = try string(key)
        guard let value = T(rawValue: raw) else {
            throw ContractError(.invalidValue, field: name(key), "not a known value")
        }
        return value
    }

    func optionalTimestamp(_ key: String) throws -> Date? {
        guard let raw = try optionalString(key) else { return nil }
        guard let date = RFC3339.parse(raw) else {
            throw ContractError(.invalidValue, field: name(key), "expected an RFC 3339 timestamp")
        }
        return date
    }

    func timestamp(_ key: String) throws -> Date {
        guard let date = try optionalTimestamp(key) else {
            throw ContractError(.missingField, field: name(key), "required")
        }
        return date
    }

    func optionalHex(_ key: String, length: Int) throws -> String? {
        guard let raw = try optionalString(key) else { return nil }
        let lower = raw.lowercased()
        guard lower.utf8.count == length, lower.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            throw ContractError(.invalidValue, field: name(key), "expected \(length) hex characters")
        }
        return lower
    }
}

/// RFC 3339 timestamps as the contract writes them, with or without fractional seconds.
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        if let date = parseUTC(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// The contract's own form, `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z`, read directly (Foundation's
    /// format styles cost microseconds a message); anything else (offsets, more digits, leap
    /// seconds) is nil here and left to them.
    static func parseUTC(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count >= 20, bytes.count <= 24, bytes[bytes.count - 1] == UInt8(ascii: "Z"),
                bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
            else { return nil }
            func digits(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let digit = Int(bytes[index]) - 48
                    guard digit >= 0 && digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
                let hour = digits(11..<13), let minute = digits(14..<16), let second = digits(17..<19),
                (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
                second < 60
            else { return nil }
            var milliseconds = 0
            if bytes.count > 20 {
                let fraction = 20..<(bytes.count - 1)
                guard bytes[19] == UInt8(ascii: "."), !fraction.isEmpty, let value = digits(fraction) else {
                    return nil
                }
                milliseconds = value * [100, 10, 1][fraction.count - 1]
            } else if bytes[19] != UInt8(ascii: "Z") {
                return nil
            }
            let seconds =
                daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            // Foundation counts from 2001: the same arithmetic gives the same Double.
            return Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + Double(milliseconds) / 1000)
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days-from-civil).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// UTC, millisecond precision (truncated, as Foundation's format style does), `Z` suffix:
    /// stable across replays. Written directly: every event and log line formats a time.
    public static func format(_ date: Date) -> String {
        // Foundation counts from 2001 and truncates the fraction of the second: the same
        // arithmetic gives the same digits.
        let reference = date.timeIntervalSinceReferenceDate
        guard abs(reference) < 1e12 else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        }
        let whole = reference.rounded(.down)
        let fraction = min(999, Int(((reference - whole) * 1000).rounded(.down)))
        let seconds = Int(whole) + 978_307_200
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(daysSinceEpoch: days)
        guard (0...9999).contains(year) else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        }
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(year, 4, at: 0)
        bytes[4] = UInt8(ascii: "-")
        put(month, 2, at: 5)
        bytes[7] = UInt8(ascii: "-")
        put(day, 2, at: 8)
        bytes[10] = UInt8(ascii: "T")
        put(secondOfDay / 3600, 2, at: 11)
        bytes[13] = UInt8(ascii: ":")
        put(secondOfDay / 60 % 60, 2, at: 14)
        bytes[16] = UInt8(ascii: ":")
        put(secondOfDay % 60, 2, at: 17)
        bytes[19] = UInt8(ascii: ".")
        put(fraction, 3, at: 20)
        bytes[23] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Hinnant's civil-from-days).
    private static func civil(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
