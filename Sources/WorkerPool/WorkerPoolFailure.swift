import KafkaClient

/// An error a record handler throws to say whether the record may succeed if tried again.
///
/// `isRetriable` true: the pool retries with its `RetryPolicy` and sends the record to the DLQ
/// when the attempts run out; false: straight to the DLQ. `reason` becomes the DLQ record's
/// `x-warden-error` header and appears in logs, so it must never contain message text or
/// personal data (codes, field paths, limits only).
///
/// Errors that do not conform are treated as retriable, with their type name as the reason.
public protocol WorkerPoolFailure: Error {
    var isRetriable: Bool { get }
    var reason: String { get }
}

/// A ready-made failure for handlers without their own error type.
public struct RecordFailure: WorkerPoolFailure, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var isRetriable: Bool

    public init(code: String, message: String, isRetriable: Bool) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable
    }

    public var reason: String { message.isEmpty ? code : "\(code): \(message)" }
    public var description: String { reason }
}

extension KafkaError: WorkerPoolFailure {
    public var reason: String { "\(name): \(message)" }
}

/// How the pool reads any error a handler throws.
struct FailureVerdict: Sendable, Equatable {
    var isRetriable: Bool
    var reason: String

    init(isRetriable: Bool, reason: String) {
        self.isRetriable = isRetriable
        self.reason = reason
    }

    init(_ error: any Error) {
        if let failure = error as? any WorkerPoolFailure {
            isRetriable = failure.isRetriable
            reason = failure.reason
        } else {
            isRetriable = true
            reason = "unclassified \(type(of: error))"
        }
    }
}
