import Foundation

/// A CloudEvents 1.0 event in structured JSON mode, as every output topic carries.
///
/// Encoding is deterministic (sorted keys, times from the ledger, not the wall clock), so a
/// replayed event has the same id and the same bytes.
public struct CloudEvent<Payload: Encodable & Sendable>: Encodable, Sendable {
    public let specversion = "1.0"
    /// Deterministic: derived from the flag and the step, never random.
    public var id: String
    public var source: String
    public var type: String
    public var time: Date
    /// The group id, which is also the record key.
    public var subject: String
    public let datacontenttype = "application/json"
    public var data: Payload

    public init(id: String, source: String, type: String, time: Date, subject: String, data: Payload) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.subject = subject
        self.data = data
    }

    /// The event as UTF-8 JSON bytes (the bytes `CloudEventCoding.encoder` writes, faster).
    public func encoded() throws -> [UInt8] {
        try EventJSONEncoder.encode(self)
    }
}

/// The JSON settings every event shares: snake_case keys, RFC 3339 times, sorted keys.
public enum CloudEventCoding {
    /// Foundation's encoder with those settings: the reference `EventJSONEncoder` is held to.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }()
}
