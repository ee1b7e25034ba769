import CompactJSON
import Foundation

/// Writes the JSON bodies of ledger rows (flags, statistics, snapshots, credit): what
/// Foundation's `JSONEncoder` with sorted keys writes, read back by `JSONDecoder` to the same
/// values, through the compact encoder (Foundation's was a large share of a flagged message's
/// write). Key names and dates as Foundation's defaults, so rows written before read the same.
struct LedgerBodyEncoder: Sendable {
    private let json = CompactJSONEncoder(keys: .asIs, formatDate: nil)

    func encode<Value: Encodable>(_ value: Value) throws -> Data {
        Data(try json.encode(value))
    }
}
