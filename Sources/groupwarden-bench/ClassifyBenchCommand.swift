import ArgumentParser

struct ClassifyBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classify")
    func run() throws {}
}
