import Logging

/// Opens the store a ledger URL names: `postgres://USER:PASS@HOST:PORT/DB`, `sqlite://PATH`,
/// `sqlite::memory:` or a bare path.
public func makeLedgerStore(url: String, logger: Logger) throws -> any LedgerStore {
    if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
        return try PostgresLedgerStore(url: url, logger: logger)
    }
    var path = url
    if path.hasPrefix("sqlite://") {
        path.removeFirst("sqlite://".count)
    } else if path.hasPrefix("sqlite:") {
        path.removeFirst("sqlite:".count)
    }
    guard !path.isEmpty else {
        throw LedgerError(code: "bad_url", message: "no database path in '\(url)'", isRetriable: false)
    }
    return try SQLiteLedgerStore(path: path, logger: logger)
}
