import CompactJSON

/// CloudEvents as `CloudEventCoding.encoder` (Foundation's `JSONEncoder` with sorted keys,
/// snake_case keys, unescaped slashes and RFC 3339 times) writes them, through the compact
/// encoder: a differential test holds the two to the same bytes for every event type.
public enum EventJSONEncoder {
    static let contract = CompactJSONEncoder(keys: .snakeCase, formatDate: { RFC3339.format($0) })

    public static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        try contract.encode(value)
    }
}
