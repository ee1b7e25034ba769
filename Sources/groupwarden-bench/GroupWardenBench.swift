import ArgumentParser

/// `groupwarden-bench`: benchmark drivers that follow the harness protocols under bench/.
@main
struct GroupWardenBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupwarden-bench",
        abstract: "Benchmark drivers for GroupWarden components.",
        subcommands: [
            ClassifyBenchCommand.self, WorkerPoolBenchCommand.self, LedgerBenchCommand.self, PipelineBenchCommand.self,
            EventEncodingBenchCommand.self,
        ]
    )
}
