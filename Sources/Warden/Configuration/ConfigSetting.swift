/// One documented configuration setting: its dotted key, value shape, default and meaning.
///
/// Every key GroupWarden reads is declared once in ``ConfigSetting/catalog``; documentation,
/// environment variable names and the deploy-file checks are all derived from that list.
public struct ConfigSetting: Sendable, Hashable {
    /// The shape of a setting's value, which decides how its text is parsed and validated.
    public enum Kind: Sendable, Hashable {
        case string
        case integer(ClosedRange<Int>)
        case fraction
        case boolean
        case duration
        case list
        case choice([String])
    }

    /// Dotted key as written in the YAML file, e.g. `kafka.bootstrap_servers`.
    public let key: String
    public let kind: Kind
    /// The default as text, parsed like any other source; `nil` means "unset".
    public let defaultValue: String?
    public let summary: String
    /// Secret values are never printed or logged.
    public let isSecret: Bool

    public init(_ key: String, _ kind: Kind, default defaultValue: String?, _ summary: String, secret: Bool = false) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
        self.isSecret = secret
    }

    /// The environment variable that sets this key: `GROUPWARDEN_` and the key upper-cased,
    /// every non-alphanumeric character replaced by `_`.
    public var environmentName: String {
        "GROUPWARDEN_" + String(key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// A short human description of the value shape, used in docs and errors.
    public var shape: String {
        switch kind {
        case .string: "string"
        case .integer(let range): "integer \(range.lowerBound)...\(range.upperBound)"
        case .fraction: "number 0...1"
        case .boolean: "true|false"
        case .duration: "duration (500ms, 30s, 15m, 6h, 7d)"
        case .list: "list (YAML sequence, or comma-separated in env and flags)"
        case .choice(let options): options.joined(separator: "|")
        }
    }
}
