import Configuration
import Foundation
import SystemPackage

/// Builds a ``WardenConfiguration`` from, in rising precedence: the catalog defaults, a YAML file,
/// `GROUPWARDEN_*` environment variables, and command-line overrides (`--set key=value`).
///
/// Unknown keys, unparsable values and out-of-range numbers stop loading with a
/// ``ConfigurationError`` naming the key (and the file and line for YAML problems).
public struct ConfigurationLoader: Sendable {
    public var yamlPath: String?
    public var environment: [String: String]
    public var overrides: [String: String]

    public init(yamlPath: String? = nil, environment: [String: String] = [:], overrides: [String: String] = [:]) {
        self.yamlPath = yamlPath
        self.environment = environment
        self.overrides = overrides
    }

    /// Reads every source, validates every key and returns the typed configuration.
    public func load() async throws -> WardenConfiguration {
        try checkKeys()
        var providers: [any ConfigProvider] = []
        providers.append(InMemoryProvider(name: "flags", values: Self.configValues(overrides)))
        let prefixed = environment.filter { $0.key.hasPrefix("GROUPWARDEN_") }
        providers.append(EnvironmentVariablesProvider(environmentVariables: prefixed).prefixKeys(with: "groupwarden"))
        if let yamlPath {
            do {
                providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(yamlPath)))
            } catch {
                throw ConfigurationError(key: yamlPath, reason: "cannot read the configuration file: \(error)")
            }
        }
        let defaults = Dictionary(
            uniqueKeysWithValues: ConfigSetting.catalog.compactMap { s in s.defaultValue.map { (s.key, $0) } })
        providers.append(InMemoryProvider(name: "defaults", values: Self.configValues(defaults)))
        let values = SettingValues(reader: ConfigReader(providers: providers))
        return try WardenConfiguration(values)
    }

    private static func configValues(_ pairs: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        var result: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in pairs {
            let secret = ConfigSetting.byKey[key]?.isSecret ?? false
            result[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(
                .string(value), isSecret: secret)
        }
        return result
    }

    /// Rejects keys no setting declares, in every source, so typos fail loudly.
    private func checkKeys() throws {
        for key in overrides.keys where ConfigSetting.byKey[key] == nil {
            throw ConfigurationError(key: key, reason: "unknown setting (flag --set)")
        }
        let known = Set(ConfigSetting.catalog.map(\.environmentName))
        for name in environment.keys where name.hasPrefix("GROUPWARDEN_") && !known.contains(name) {
            throw ConfigurationError(key: name, reason: "unknown setting (environment variable)")
        }
        if let yamlPath {
            try YAMLKeyCheck.check(path: yamlPath)
        }
    }
}

/// Typed, validated reads of catalog settings from a layered `ConfigReader`.
struct SettingValues {
    let reader: ConfigReader

    private func setting(_ key: String) -> ConfigSetting {
        guard let setting = ConfigSetting.byKey[key] else { preconditionFailure("\(key) is not in the catalog") }
        return setting
    }

    private func text(_ key: String) -> String? {
        let secret = setting(key).isSecret
        if let value = reader.string(forKey: ConfigKey(key.split(separator: ".").map(String.init)), isSecret: secret) {
            return value
        }
        return reader.stringArray(forKey: ConfigKey(key.split(separator: ".").map(String.init)), isSecret: secret)?
            .joined(separator: ",")
    }

    func optionalString(_ key: String) -> String? {
        guard let value = text(key)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func string(_ key: String) throws -> String {
        guard let value = optionalString(key) else { throw ConfigurationError(key: key, reason: "must not be empty") }
        return value
    }

    func integer(_ key: String) throws -> Int {
        guard case .integer(let range) = setting(key).kind else { preconditionFailure("\(key) is not an integer") }
        let raw = try string(key)
        guard let value = Int(raw) else {
            throw ConfigurationError(key: key, reason: "expected an integer, got '\(raw)'")
        }
        guard range.contains(value) else {
            throw ConfigurationError(key: key, reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func fraction(_ key: String) throws -> Double {
        let raw = try string(key)
        guard let value = Double(raw), (0...1).contains(value) else {
            throw ConfigurationError(key: key, reason: "expected a number between 0 and 1, got '\(raw)'")
        }
        return value
    }

    func duration(_ key: String) throws -> Duration {
        let raw = try string(key)
        guard let value = DurationText.parse(raw), value > .zero else {
            throw ConfigurationError(
                key: key, reason: "expected a positive duration like 500ms, 30s, 15m, 6h or 7d, got '\(raw)'")
        }
        return value
    }

    func list(_ key: String) -> [String] {
        (text(key) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func choice(_ key: String) throws -> String {
        guard case .choice(let options) = setting(key).kind else { preconditionFailure("\(key) is not a choice") }
        let raw = try string(key)
        guard options.contains(raw) else {
            throw ConfigurationError(
                key: key, reason: "expected one of \(options.joined(separator: ", ")), got '\(raw)'")
        }
        return raw
    }
}
