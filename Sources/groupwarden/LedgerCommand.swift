import ArgumentParser
import Foundation
import Ledger
import Logging

/// `groupwarden ledger report`: an owner's diligence record from the ledger.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Read the ledger.", subcommands: [Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print a group owner's diligence record: each flag, when the owner was told, what was done, how fast.")

        @Option(help: "Ledger URL: sqlite://PATH.") var ledger = "sqlite://groupwarden.db"
        @Option(help: "The group id.") var group: String
        @Option(help: "table, json or csv.") var format = "table"

        func run() async throws {
            guard ["table", "json", "csv"].contains(format) else {
                throw CommandFailure("--format must be table, json or csv")
            }
            let store = try makeLedgerStore(url: ledger, logger: Logger(label: "groupwarden"))
            try await store.migrate()
            let report = DiligenceReport(groupID: group, flags: try await store.flags(groupID: group))
            switch format {
            case "json":
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.keyEncodingStrategy = .convertToSnakeCase
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            case "csv": print(report.csv(), terminator: "")
            default: print(report.table(), terminator: "")
            }
        }
    }
}
