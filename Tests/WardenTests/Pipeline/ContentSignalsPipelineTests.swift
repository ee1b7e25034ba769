import Classification
import Escalation
import Foundation
import KafkaClient
import Ledger
import Logging
import Synchronization
import Testing

@testable import Warden

/// The classifier the classify role builds from its configuration really uses the configured
/// media-hash banks and domain block lists: a contract message goes through
/// `MessageRecordHandler` and `ModerationCore` and the flag event names the bank's category with
/// the attachment's index as evidence.
@Suite struct ContentSignalsPipelineTests {
    static let bankedMD5 = "0cc175b9c0f1b6a831c399e269772661"

    final class CapturingPublisher: EventPublisher {
        let events = Mutex<[OutboxEvent]>([])
        func enqueue(
            _ events: [OutboxEvent], completion: @escaping @Sendable (Result<[OutboxDelivery], any Error>) -> Void
        ) {
            let first = self.events.withLock { published in
                defer { published += events }
                return published.count
            }
            completion(
                .success(
                    events.enumerated().map {
                        OutboxDelivery(eventID: $0.element.id, partition: 0, offset: Int64(first + $0.offset))
                    }))
        }
    }

    struct Pipeline {
        let handler: MessageRecordHandler
        let publisher: CapturingPublisher
        let flagsTopic: String
        let folder: URL

        /// The `flag.raised` events' `data.categories`, in publication order.
        func flaggedCategories() throws -> [[[String: Any]]] {
            try publisher.events.withLock { $0 }.filter { $0.topic == flagsTopic }.compactMap { event in
                let object = try JSONSerialization.jsonObject(with: Data(event.payload)) as? [String: Any]
                guard object?["type"] as? String == "flag.raised", let data = object?["data"] as? [String: Any] else {
                    return nil
                }
                return data["categories"] as? [[String: Any]]
            }
        }

        func send(id: String, text: String, attachments: [[String: Any]]) async throws {
            let object: [String: Any] = [
                "message_id": id, "group_id": "g-1", "sender_id": "u-9", "sent_at": "2026-11-22T09:00:00Z",
                "text": text, "attachments": attachments,
                "group": ["owner_id": "u-1", "admin_ids": ["u-2"], "member_count": 40, "kind": "group"],
            ]
            let record = KafkaRecord(
                topic: "chat.group.messages", partition: 0, offset: 0, key: Array("g-1".utf8),
                value: Array(try JSONSerialization.data(withJSONObject: object)))
            try await handler.handle(try handler.decode(record), record: record)
            await handler.core.waitForPublishes()
        }
    }

    static func pipeline(bank: String, blockList: String) async throws -> Pipeline {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("signals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bankFile = folder.appendingPathComponent("bank.txt")
        let blockFile = folder.appendingPathComponent("blocklist.txt")
        try bank.write(to: bankFile, atomically: true, encoding: .utf8)
        try blockList.write(to: blockFile, atomically: true, encoding: .utf8)
        let config = try await ConfigurationLoader(overrides: [
            "classification.rule_packs": EndToEndHarness.repoFile("rules/default.yaml"),
            "classification.hash_banks": bankFile.path, "classification.domain_blocklist": blockFile.path,
            "ledger.url": "sqlite://" + folder.appendingPathComponent("ledger.sqlite").path,
        ]).load()
        let logger = Logger(label: "signals-test")
        let (classifier, watchers) = try WardenApplication.makeClassifier(config.classification, logger: logger)
        #expect(watchers.count == 2, "rule packs and the bank/block-list files are both watched")
        let store = try makeLedgerStore(url: config.ledger.url, logger: logger)
        try await store.migrate()
        let publisher = CapturingPublisher()
        let core = ModerationCore(
            store: store, chain: ResponsibilityChain(policy: config.escalationPolicy),
            alertPolicy: config.groupAlertPolicy, authorizer: ActionAuthorizer(signingKey: nil),
            encoder: EventEncoder(source: config.eventSource, topics: config.topics), publisher: publisher,
            now: { Date(timeIntervalSince1970: 1_795_338_000) }, logger: logger)
        let handler = MessageRecordHandler(
            decoder: ContractDecoder(), classifier: classifier, core: core, topic: config.topics.messages)
        return Pipeline(handler: handler, publisher: publisher, flagsTopic: config.topics.flags, folder: folder)
    }

    @Test func aConfiguredBankFlagsAnAttachmentWithItsCategoryAtItsIndex() async throws {
        let pipeline = try await Self.pipeline(bank: "md5 \(Self.bankedMD5) obscene test-set\n", blockList: "")
        defer { try? FileManager.default.removeItem(at: pipeline.folder) }
        try await pipeline.send(
            id: "m-clean", text: "周末一起吃饭", attachments: [["kind": "image", "md5": "92eb5ffee6ae2fec3ad71c777531578f"]])
        #expect(try pipeline.flaggedCategories().isEmpty)

        try await pipeline.send(
            id: "m-banked", text: "周末一起吃饭",
            attachments: [
                ["kind": "image", "md5": "92eb5ffee6ae2fec3ad71c777531578f"],
                ["kind": "image", "md5": Self.bankedMD5.uppercased()],
            ])
        let flagged = try pipeline.flaggedCategories()
        #expect(flagged.count == 1)
        let category = try #require(flagged.first?.first)
        #expect(category["category"] as? String == "obscene")
        #expect(category["rules"] as? [String] == ["media.md5"])
        #expect((category["evidence"] as? [[String: Int]]) == [["attachment": 1]])
    }

    @Test func aFlagLowersTheSendersCreditOnceEvenWhenTheMessageIsReplayed() async throws {
        let pipeline = try await Self.pipeline(bank: "md5 \(Self.bankedMD5) obscene test-set\n", blockList: "")
        defer { try? FileManager.default.removeItem(at: pipeline.folder) }
        let store = pipeline.handler.core.store
        try await pipeline.send(id: "m-clean", text: "周末一起吃饭", attachments: [])
        #expect(try await store.credit("u-9") == nil, "a clean message costs no credit")
        let banked: [[String: Any]] = [["kind": "image", "md5": Self.bankedMD5]]
        try await pipeline.send(id: "m-banked", text: "周末一起吃饭", attachments: banked)
        let lowered = try #require(try await store.credit("u-9"))
        #expect(lowered.score < 100)
        // A replay after a crash: the flag exists, so neither events nor a second penalty.
        try await pipeline.send(id: "m-banked", text: "周末一起吃饭", attachments: banked)
        #expect(try await store.credit("u-9") == lowered)
        #expect(try pipeline.flaggedCategories().count == 1)
    }

    @Test func aConfiguredBlockListFlagsALinkAttachmentAndALinkInTheText() async throws {
        let pipeline = try await Self.pipeline(bank: "", blockList: "bad-casino.com gambling\n")
        defer { try? FileManager.default.removeItem(at: pipeline.folder) }
        try await pipeline.send(
            id: "m-link", text: "看看", attachments: [["kind": "link", "url": "https://www.bad-casino.com/join"]])
        try await pipeline.send(id: "m-text", text: "上 bad-casino点com 玩", attachments: [])
        let flagged = try pipeline.flaggedCategories()
        #expect(flagged.count == 2)
        #expect(flagged.map { $0.first?["category"] as? String } == ["gambling", "gambling"])
        #expect((flagged.first?.first?["evidence"] as? [[String: Int]]) == [["attachment": 0]])
        #expect((flagged.last?.first?["evidence"] as? [[String: Int]]) == [["start": 2, "end": 16]])
    }

    @Test func aBadBankFileStopsTheClassifierNamingFileAndLine() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("signals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bankFile = folder.appendingPathComponent("bank.txt")
        try "# bank\nmd5 nothex obscene\n".write(to: bankFile, atomically: true, encoding: .utf8)
        let config = try await ConfigurationLoader(overrides: [
            "classification.rule_packs": EndToEndHarness.repoFile("rules/default.yaml"),
            "classification.hash_banks": bankFile.path,
        ]).load()
        #expect {
            _ = try WardenApplication.makeClassifier(config.classification, logger: Logger(label: "signals-test"))
        } throws: { error in
            "\(error)" == "\(bankFile.path):2: invalid_hash: an MD5 digest is 32 hex digits"
        }
    }
}
