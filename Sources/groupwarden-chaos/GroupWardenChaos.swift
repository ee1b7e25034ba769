import ArgumentParser
import Foundation
import Warden

/// `groupwarden-chaos`: starts a broker (the mock cluster, or Tansu in memory or over S3),
/// GroupWarden workers against a PostgreSQL ledger, and seeded traffic with known ground truth;
/// kills and restarts things while the traffic runs; then audits the ledger and the topics
/// against the ground truth and exits non-zero unless every check passes.
/// `scripts/chaos` installs what it needs and runs it; see docs/OPERATIONS.md.
@main
struct GroupWardenChaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupwarden-chaos",
        abstract: "Crash and fault runs against real processes, audited against ground truth.")

    @Option(help: "mock (in-process mock cluster), tansu (memory storage) or tansu-s3 (S3 on moto_server).")
    var broker = "mock"
    @Option(help: "Workers kept running.") var workers = 3
    @Option(help: "Seconds of traffic (faults run meanwhile).") var seconds = 60.0
    @Option(help: "Messages per second.") var rate = 200.0
    @Option(help: "Seconds between faults.") var faultInterval = 5.0
    @Option(
        help:
            "Comma-separated faults: kill, rebalance, storm, postgres, broker-down, request-errors, kill-broker (default: all the broker supports)."
    )
    var faults: String?
    @Option(help: "Seed of traffic and fault choice.") var seed: UInt64 = 1
    @Option(help: "Groups in the traffic.") var groups = 40
    @Option(help: "Partitions of the input topics.") var partitions = 8
    @Option(help: "The groupwarden executable (default: next to this one).") var groupwarden: String?
    @Option(help: "Tansu executable.") var tansu: String?
    @Option(help: "moto_server executable (tansu-s3).") var motoServer: String?
    @Option(help: "Rule pack.") var rules = "rules/default.yaml"
    @Option(help: "Seconds without ledger progress after which the run stops waiting and audits.")
    var settleTimeout = 120.0
    @Flag(help: "Keep the run's folder (logs) even when the audit passes.") var keep = false

    func run() async throws {
        let options = ChaosRun.Options(
            broker: broker, workers: workers, seconds: seconds, rate: rate, faultInterval: faultInterval,
            faults: try faults.map { list in
                try list.split(separator: ",").map {
                    guard let fault = Fault(rawValue: String($0)) else {
                        throw ValidationError("unknown fault '\($0)'; known: \(Fault.allCases.map(\.rawValue))")
                    }
                    return fault
                }
            }, seed: seed, groups: groups, partitions: partitions,
            groupwarden: groupwarden
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("groupwarden").path,
            tansu: tansu, motoServer: motoServer, rules: URL(fileURLWithPath: rules).standardizedFileURL.path,
            settleTimeout: settleTimeout, keep: keep)
        if try await !ChaosRun(options: options).run() { throw ExitCode(1) }
    }
}
