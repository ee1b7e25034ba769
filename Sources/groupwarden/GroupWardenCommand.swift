import ArgumentParser
import Foundation
import Warden

/// The `groupwarden` command line: parsing only; every subcommand hands over to a library.
@main
struct GroupWardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupwarden",
        abstract: "Group-chat moderation worker: classify, flag, notify owners, escalate.",
        version: "groupwarden \(WardenModule.version) (allocator: \(MemoryAllocator.name))",
        subcommands: [
            RunCommand.self, DemoCommand.self, ConfigCommand.self, DevBrokerCommand.self, ClassifyCommand.self,
            RulesCommand.self, LedgerCommand.self,
        ]
    )

    /// Prints `CommandFailure`s as one line and exits 2; everything else as ArgumentParser does.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("groupwarden: \(failure.description)\n".utf8))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}
