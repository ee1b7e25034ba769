import KafkaClient

/// What a `WorkerPool` does with each record: decode it, then handle the decoded message.
///
/// `decode` is pure and is never retried: a record it throws for goes to the DLQ at once.
/// `handleImmediately` is offered each decoded message first: a handler that can finish it
/// without waiting for anything (no I/O, no lock held across a suspension) does so and returns
/// true; the record is then finished without a task, a timeout or a retry of its own. It
/// returns false, having changed nothing, to have `handle` called instead; by default it always
/// does. `handle` may be called more than once for the same record (retries, and redelivery after a
/// crash or an abandoned revocation), so it must be idempotent; its errors are judged through
/// `WorkerPoolFailure`. Records of one key (within a partition) are handled one at a time, in
/// offset order; others concurrently.
public protocol RecordHandler: Sendable {
    associatedtype Message: Sendable
    func decode(_ record: KafkaRecord) throws -> Message
    func handleImmediately(_ message: Message, record: KafkaRecord) -> Bool
    func handle(_ message: Message, record: KafkaRecord) async throws
}

extension RecordHandler {
    /// Nothing is finished without `handle`.
    public func handleImmediately(_ message: Message, record: KafkaRecord) -> Bool { false }
}

/// A `RecordHandler` over a closure taking the raw record (no separate decode step).
public struct ClosureRecordHandler: RecordHandler {
    private let body: @Sendable (KafkaRecord) async throws -> Void

    public init(_ body: @escaping @Sendable (KafkaRecord) async throws -> Void) {
        self.body = body
    }

    /// Nothing to decode (the closure reads the record itself).
    public func decode(_ record: KafkaRecord) throws {}

    public func handle(_ message: Void, record: KafkaRecord) async throws {
        try await body(record)
    }
}
