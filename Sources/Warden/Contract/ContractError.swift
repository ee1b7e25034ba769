/// Why a platform record could not be accepted. Carried to the DLQ as `x-warden-error`.
///
/// Never contains message text or personal data: only codes, field paths and limits.
public struct ContractError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidJSON = "invalid_json"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case invalidValue = "invalid_value"
        case tooLarge = "too_large"
    }

    public let code: Code
    /// Dotted path of the offending field, e.g. `group.kind`; empty for the whole record.
    public let field: String
    public let detail: String

    public init(_ code: Code, field: String, _ detail: String) {
        self.code = code
        self.field = field
        self.detail = detail
    }

    /// Decoding a record again never succeeds: such errors go straight to the DLQ.
    public var isRetriable: Bool { false }

    public var description: String {
        field.isEmpty ? "\(code.rawValue): \(detail)" : "\(code.rawValue): \(field): \(detail)"
    }
}
