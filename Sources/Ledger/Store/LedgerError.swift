/// A ledger problem, with where it came from.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// Whether retrying the same write may succeed (a busy database, a lost connection).
    public var isRetriable: Bool

    public init(code: String, message: String, isRetriable: Bool) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable
    }

    public var description: String { "ledger \(code): \(message)" }
}
