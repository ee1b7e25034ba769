import ArgumentParser
import Foundation
import Warden

/// `groupwarden config`: check a configuration, or print the settings reference.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration or print the settings reference.",
        subcommands: [Check.self, Docs.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load and validate the configuration as `run` would; print the first problem.")
        @OptionGroup var sources: ConfigurationSources

        func run() async throws {
            do {
                let config = try await sources.load()
                print("configuration is valid: roles \(config.roles.map(\.rawValue).sorted().joined(separator: ","))")
            } catch let error as ConfigurationError {
                throw CommandFailure("invalid configuration: \(error)")
            }
        }
    }

    struct Docs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print docs/CONFIGURATION.md.")
        func run() { print(ConfigSetting.markdownReference(), terminator: "") }
    }
}

/// The configuration sources every long-running command takes.
struct ConfigurationSources: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one setting: --set key=value (repeatable).")
    var overrides: [String] = []

    func load() async throws -> WardenConfiguration {
        var pairs: [String: String] = [:]
        for item in overrides {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--set expects key=value, got '\(item)'") }
            pairs[parts[0]] = parts[1]
        }
        return try await ConfigurationLoader(
            yamlPath: config, environment: ProcessInfo.processInfo.environment, overrides: pairs
        ).load()
    }
}

/// Ends a command with a one-line message on stderr and exit status 2, without usage text.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
