import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Ledger

/// The stores the contract suite runs against. PostgreSQL comes from
/// `GROUPWARDEN_TEST_POSTGRES_URL` (set by scripts/with-postgres, which scripts/test always
/// uses); under CI its absence is a failure, never a skip.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqliteMemory, sqliteFile, postgres

    var testDescription: String { rawValue }

    static var all: [StoreKind] {
        let environment = ProcessInfo.processInfo.environment
        if environment["GROUPWARDEN_TEST_POSTGRES_URL"] != nil || environment["CI"] != nil { return allCases }
        return [.sqliteMemory, .sqliteFile]
    }

    /// A new, empty store of this kind.
    func make() async throws -> any LedgerStore {
        try await makePair().0
    }

    /// Two handles on one new, empty ledger, as two worker processes would open it (an
    /// in-memory SQLite database cannot be shared, so that kind returns one handle twice).
    func makePair() async throws -> (any LedgerStore, any LedgerStore) {
        let logger = Logger(label: "ledger-test")
        switch self {
        case .sqliteMemory:
            let store = try SQLiteLedgerStore(path: ":memory:", logger: logger)
            return (store, store)
        case .sqliteFile:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ledger-\(UUID().uuidString).sqlite"
            ).path
            return (
                try SQLiteLedgerStore(path: path, logger: logger), try SQLiteLedgerStore(path: path, logger: logger)
            )
        case .postgres:
            let admin = try #require(
                ProcessInfo.processInfo.environment["GROUPWARDEN_TEST_POSTGRES_URL"],
                "GROUPWARDEN_TEST_POSTGRES_URL is not set: run the tests through scripts/test or scripts/with-postgres")
            let name = "ledger_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            let store = try PostgresLedgerStore(url: admin, logger: logger)
            try await store.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            var parts = try #require(URLComponents(string: admin))
            parts.path = "/\(name)"
            let url = try #require(parts.string)
            return (
                try PostgresLedgerStore(url: url, logger: logger), try PostgresLedgerStore(url: url, logger: logger)
            )
        }
    }
}
