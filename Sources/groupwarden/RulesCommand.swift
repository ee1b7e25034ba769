import ArgumentParser
import Classification
import Foundation

/// `groupwarden rules check FILE...`: validates rule packs for their authors.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with classification rule packs.",
        subcommands: [Check.self]
    )

    /// Loads, validates, compiles and runs the examples of the given packs (merged, as the
    /// classifier would load them). Prints `file:line:column: [rule] problem` lines and exits 1
    /// on any problem.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check rule packs: YAML, references, regexes, compilation and every example.")

        @Argument(help: "Rule pack files (YAML), merged in order.")
        var files: [String]

        @Flag(help: "Skip running the packs' examples.")
        var skipExamples = false

        func run() throws {
            let pack: RulePack
            let classifier: RuleClassifier
            do {
                pack = try RulePackLoader().load(files: files)
                classifier = try RuleClassifier(pack: pack)
            } catch {
                Self.report(error.problems)
                throw ExitCode(1)
            }
            let failures = skipExamples ? [] : RulePackExamples.failures(of: pack, using: classifier)
            if !failures.isEmpty {
                Self.report(failures)
                throw ExitCode(1)
            }
            let terms = pack.rules.reduce(0) { $0 + $1.terms.count }
            let regexes = pack.rules.reduce(0) { $0 + $1.regexes.count }
            print(
                "ok \(pack.packVersion): \(pack.categories.count) categories, \(pack.rules.count) rules and signals,"
                    + " \(pack.cooccurrences.count) co-occurrence rules, \(pack.allows.count) allow-lists,"
                    + " \(terms) terms, \(regexes) regexes")
        }

        static func report(_ problems: [RulePackProblem]) {
            for p in problems { FileHandle.standardError.write(Data("\(p)\n".utf8)) }
        }
    }
}
