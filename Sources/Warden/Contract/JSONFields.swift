import Foundation

/// Typed, path-aware reads from a decoded JSON object, throwing ``ContractError``s that name
/// the field. Values are never echoed into errors.
struct JSONFields {
    let object: [String: Any]
    let path: String

    static func parse(_ bytes: [UInt8], maxBytes: Int) throws -> JSONFields {
        guard bytes.count <= maxBytes else {
            throw ContractError(.tooLarge, field: "", "record is \(bytes.count) bytes; the limit is \(maxBytes)")
        }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw ContractError(.invalidJSON, field: "", "not a JSON document (invalid syntax, encoding or nesting)")
        }
        guard let object = value as? [String: Any] else {
            throw ContractError(.wrongType, field: "", "expected a JSON object at the top level")
        }
        return JSONFields(object: object, path: "")
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func present(_ key: String) -> Any? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard let string = value as? String else {
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
        // JSONSerialization gives NSNumber; booleans are NSNumbers too and must not pass as counts.
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
            let int = Int(exactly: number.doubleValue)
        else {
            throw ContractError(.wrongType, field: name(key), "expected an integer")
        }
        return int
    }

    func object(_ key: String) throws -> JSONFields {
        guard let value = present(key) else { throw ContractError(.missingField, field: name(key), "required") }
        guard let object = value as? [String: Any] else {
            throw ContractError(.wrongType, field: name(key), "expected an object")
        }
        return JSONFields(object: object, path: name(key))
    }

    func optionalArray(_ key: String) throws -> [Any]? {
        guard let value = present(key) else { return nil }
        guard let array = value as? [Any] else {
            throw ContractError(.wrongType, field: name(key), "expected an array")
        }
        return array
    }

    func stringArray(_ key: String) throws -> [String] {
        guard let array = try optionalArray(key) else { return [] }
        return try array.enumerated().map { index, element in
            guard let string = element as? String else {
                throw ContractError(.wrongType, field: "\(name(key))[\(index)]", "expected a string")
            }
            return string
        }
    }

    func objects(_ key: String) throws -> [JSONFields] {
        guard let array = try optionalArray(key) else { return [] }
        return try array.enumerated().map { index, element in
            guard let object = element as? [String: Any] else {
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
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// UTC, millisecond precision, `Z` suffix: stable across replays.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
