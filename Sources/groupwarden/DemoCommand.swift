import ArgumentParser
import Foundation
import Warden

/// `groupwarden demo`: GroupWarden end to end against a simulated platform, in one process.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run GroupWarden on an embedded Kafka and SQLite ledger against a simulated platform.")

    @Option(help: "Messages the simulated platform sends.") var messages = 2000
    @Option(help: "Messages per second.") var rate = 150.0
    @Option(help: "How long the demo runs, in seconds (deadlines are seconds long).") var seconds = 45.0
    @Option(help: "Seed of the simulated traffic.") var seed: UInt64 = 42
    @Option(help: "Rule pack file.") var rules = "rules/default.yaml"

    func run() async throws {
        var options = DemoRun.Options()
        options.messages = messages
        options.rate = rate
        options.seconds = seconds
        options.seed = seed
        options.rulePack = rules
        try await DemoRun.run(options) { text in FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
