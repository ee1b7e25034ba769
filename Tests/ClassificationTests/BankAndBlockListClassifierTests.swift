import Foundation
import Logging
import TestSupport
import Testing

@testable import Classification

/// The real media-hash banks and domain block lists behind `RuleClassifier` (the production
/// wiring, not fakes), and their reloading through `SignalFilesWatcher`.
@Suite struct BankAndBlockListClassifierTests {
    static let md5Hex = "d41d8cd98f00b204e9800998ecf8427e"

    static func pack() throws -> RulePack {
        let yaml = """
            pack: {id: t, version: "1"}
            categories:
              fraud: {severity: high}
              obscene: {severity: medium}
              gambling: {severity: medium}
            signals:
              - {id: s.profit, terms: [稳赚]}
            cooccurrence:
              - {id: f.wechat_profit, category: fraud, weight: 0.9, all: [extracted.wechat, s.profit]}
              - {id: f.qq_profit, category: fraud, weight: 0.9, all: [extracted.qq, s.profit]}
            """
        let loader = RulePackLoader()
        let pack = try loader.parse(yaml: yaml, file: "t.yaml")
        try loader.validate(pack)
        return pack
    }

    static func classifier(bank: String = "", blockList: String = "") throws -> (
        RuleClassifier, MediaBankHolder, BlockListExtractor
    ) {
        let holder = MediaBankHolder(bank: try MediaHashBankLoader().parse(bank, file: "bank.txt"))
        let extractor = BlockListExtractor(blockList: try DomainBlockList(parsing: blockList, file: "block.txt"))
        return (try RuleClassifier(pack: pack(), attachmentMatcher: holder, extractor: extractor), holder, extractor)
    }

    @Test func anAttachmentWhoseMD5IsInABankIsFlaggedWithTheBanksCategoryAtItsIndex() throws {
        let (classifier, _, _) = try Self.classifier(bank: "md5 \(Self.md5Hex.uppercased()) obscene known set\n")
        let v = classifier.classify(
            text: "看图",
            attachments: [
                .init(kind: "image", md5: "00000000000000000000000000000000"),
                .init(kind: "image", md5: Self.md5Hex),
            ])
        #expect(
            v["obscene"]
                == CategoryVerdict(
                    category: "obscene", score: 1, rules: ["media.md5"], evidence: [.attachment(index: 1)]))
        #expect(v.severity == .medium)
        #expect(
            !classifier.classify(text: nil, attachments: [.init(kind: "image", md5: "0" + Self.md5Hex.dropFirst())])
                .isFlagged)
    }

    @Test(arguments: [(0, true), (31, true), (32, false)])
    func aPDQHashIsFlaggedUpToDistance31(distance: Int, flagged: Bool) throws {
        var rng = SeededGenerator(state: 11)
        let listed = PDQHash.random(&rng)
        var bank = "pdq \(listed.hex) gambling\n"
        for _ in 0..<500 { bank += "pdq \(PDQHash.random(&rng).hex) obscene\n" }
        let (classifier, _, _) = try Self.classifier(bank: bank)
        let probe = listed.flipping(distance, &rng)
        #expect(probe.distance(to: listed) == distance)
        let v = classifier.classify(text: nil, attachments: [.init(kind: "video", pdq: probe.hex)])
        #expect(v.isFlagged == flagged)
        if flagged {
            #expect(v["gambling"]?.rules == ["media.pdq"])
            #expect(v["gambling"]?.evidence == [.attachment(index: 0)])
        }
    }

    @Test func aLinkOnABlockedDomainIsFlaggedInTheTextAndInALinkAttachment() throws {
        let (classifier, _, _) = try Self.classifier(blockList: "bad.com gambling casino\n")
        let text = "上 https://www.Bad.com/x 玩"
        let v = classifier.classify(text)
        #expect(v["gambling"]?.rules == [BlockListExtractor.ruleID])
        #expect(v["gambling"]?.evidence == [.text(start: 10, end: 21)])
        #expect(!classifier.classify("上 notbad.com 玩").isFlagged)
        #expect(!classifier.classify("上 good.com 玩").isFlagged)
        let link = classifier.classify(
            text: "看看",
            attachments: [.init(kind: "link", url: "https://good.com"), .init(kind: "link", url: "http://m.bad.com/p")])
        #expect(link["gambling"]?.evidence == [.attachment(index: 1)])
        #expect(link.categories.map(\.category) == ["gambling"])
    }

    @Test(arguments: [
        "加 v 信 abc_123 稳赚不赔", "稳赚！薇信ⓦⓔⓘⓧⓘⓝ1", "QQ：1 2 3 4 5 6 7 8 稳赚", "扣扣 ８８８８８ 稳赚",
    ])
    func obfuscatedContactsDriveCooccurrenceRules(text: String) throws {
        let (classifier, _, _) = try Self.classifier()
        let v = classifier.classify(text)
        #expect(v["fraud"] != nil, "\(text)")
        #expect(v["fraud"]?.evidence.count == 2)
    }

    @Test func contactsAloneOrProfitAloneAreNotFraud() throws {
        let (classifier, _, _) = try Self.classifier()
        #expect(!classifier.classify("加 v 信 abc_123 聊聊").isFlagged)
        #expect(!classifier.classify("稳赚不赔").isFlagged)
    }

    @Test func aBadBankFileIsRejectedNamingFileAndLineAndTheOldBankKeepsServing() throws {
        let good = try TestSupport.temporaryFile("md5 \(Self.md5Hex) obscene\n", name: "bank.txt")
        defer { try? FileManager.default.removeItem(at: good.deletingLastPathComponent()) }
        let holder = MediaBankHolder(bank: try MediaHashBankLoader().load(files: [good.path]))
        let classifier = try RuleClassifier(pack: Self.pack(), attachmentMatcher: holder)
        let watcher = SignalFilesWatcher(
            sources: [.hashBanks(holder, files: [good.path])], logger: Logger(label: "test"))
        #expect(watcher.reload(force: false) == [.unchanged("hash_banks")])

        try "# banks\nmd5 \(Self.md5Hex) obscene\npdq 12345 obscene\n".write(
            to: good, atomically: true, encoding: .utf8)
        let outcome = watcher.reload(force: false)
        #expect(
            outcome == [.rejected("hash_banks", problem: "\(good.path):3: invalid_hash: a PDQ hash is 64 hex digits")])
        let attachment = MessageAttachment(kind: "image", md5: Self.md5Hex)
        #expect(classifier.classify(text: nil, attachments: [attachment])["obscene"] != nil, "old bank kept")

        let other = "0123456789abcdef0123456789abcdef"
        try "md5 \(other) gambling\n".write(to: good, atomically: true, encoding: .utf8)
        #expect(watcher.reload(force: false) == [.reloaded("hash_banks")])
        #expect(!classifier.classify(text: nil, attachments: [attachment]).isFlagged)
        #expect(classifier.classify(text: nil, attachments: [.init(kind: "file", md5: other)])["gambling"] != nil)
    }

    @Test func aBadBlockListIsRejectedNamingFileAndLineAndTheOldListKeepsServing() throws {
        let file = try TestSupport.temporaryFile("bad.com gambling\n", name: "block.txt")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let extractor = BlockListExtractor(blockList: try DomainBlockList.load(files: [file.path]))
        let classifier = try RuleClassifier(pack: Self.pack(), extractor: extractor)
        let watcher = SignalFilesWatcher(
            sources: [.domainBlockList(extractor, files: [file.path])], logger: Logger(label: "test"))

        try "bad.com gambling\nworse.cn FRAUD\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(
            watcher.reload(force: false) == [
                .rejected(
                    "domain_blocklist",
                    problem: "\(file.path):2: invalid_category: category must match [a-z][a-z0-9_.-]*")
            ])
        #expect(classifier.classify("去 bad.com")["gambling"] != nil, "old list kept")
        #expect(!classifier.classify("去 worse.cn").isFlagged)

        try "worse.cn fraud\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(watcher.reload(force: false) == [.reloaded("domain_blocklist")])
        #expect(classifier.classify("去 worse.cn")["fraud"] != nil)
        #expect(!classifier.classify("去 bad.com").isFlagged)
    }

    @Test func aMissingFileIsRejectedAtLineZeroAndForceReloadsUnchangedFiles() throws {
        let file = try TestSupport.temporaryFile("bad.com gambling\n", name: "block.txt")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let extractor = BlockListExtractor(blockList: try DomainBlockList.load(files: [file.path]))
        let missing = file.deletingLastPathComponent().appendingPathComponent("gone.txt").path
        let watcher = SignalFilesWatcher(
            sources: [.domainBlockList(extractor, files: [file.path]), .domainBlockList(extractor, files: [missing])],
            logger: Logger(label: "test"))
        #expect(
            watcher.reload(force: true) == [
                .reloaded("domain_blocklist"),
                .rejected("domain_blocklist", problem: "\(missing):0: unreadable_file: cannot read the file as UTF-8"),
            ])
        #expect(extractor.blockList.entry(forHost: "bad.com")?.category == "gambling")
    }
}
