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
    /// classifier would load them), and parses the given media-hash banks and domain block
    /// lists. Prints `file:line:column: [rule] problem` (packs) or `file:line: code: problem`
    /// (banks, block lists) lines and exits 1 on any problem.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check rule packs (YAML, references, regexes, compilation, every example), hash banks and block lists.")

        @Argument(help: "Rule pack files (YAML), merged in order.")
        var files: [String] = []

        @Option(name: .customLong("hash-bank"), help: "A media-hash bank file to check (repeatable).")
        var hashBanks: [String] = []

        @Option(name: .customLong("domain-blocklist"), help: "A domain block-list file to check (repeatable).")
        var domainBlocklists: [String] = []

        @Flag(help: "Skip running the packs' examples.")
        var skipExamples = false

        func validate() throws {
            if files.isEmpty && hashBanks.isEmpty && domainBlocklists.isEmpty {
                throw ValidationError("give rule pack files, --hash-bank or --domain-blocklist files")
            }
        }

        func run() throws {
            var failed = false
            for file in hashBanks {
                do {
                    let count = try MediaHashBankLoader().load(files: [file]).count
                    print("ok \(file): \(count.md5) md5 digests, \(count.pdq) pdq hashes")
                } catch {
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                    failed = true
                }
            }
            for file in domainBlocklists {
                do {
                    print("ok \(file): \(try DomainBlockList.load(files: [file]).allEntries.count) domains")
                } catch {
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                    failed = true
                }
            }
            if !files.isEmpty { try checkPacks() }
            if failed { throw ExitCode(1) }
        }

        private func checkPacks() throws {
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
