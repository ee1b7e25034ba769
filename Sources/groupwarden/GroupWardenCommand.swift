import ArgumentParser

/// The `groupwarden` command line: parsing only; every subcommand hands over to a library.
@main
struct GroupWardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupwarden",
        abstract: "Group-chat moderation worker: classify, flag, notify owners, escalate.",
        subcommands: []
    )
}
