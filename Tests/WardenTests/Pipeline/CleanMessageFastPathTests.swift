import Classification
import Escalation
import Foundation
import KafkaClient
import Ledger
import Logging
import Synchronization
import Testing

@testable import Warden

/// Clean messages counted in the cached group statistics without the ledger
/// (`ModerationCore.countCleanMessage`, reached through `MessageRecordHandler.handleImmediately`):
/// the same statistics, writes and alerts as the full path, at the same messages.
@Suite struct CleanMessageFastPathTests {
    static let bankedMD5 = "0cc175b9c0f1b6a831c399e269772661"
    static let t0 = Date(timeIntervalSince1970: 1_795_338_000)

    final class TestClock: Sendable {
        let now = Mutex(CleanMessageFastPathTests.t0)
    }

    struct Pipeline {
        let handler: MessageRecordHandler
        let store: any LedgerStore
        let publisher: ContentSignalsPipelineTests.CapturingPublisher
        let clock: TestClock
        let folder: URL

        /// Sends one message the way the pool does; true when it was finished immediately.
        @discardableResult
        func send(id: String, members: Int = 40, banked: Bool = false) async throws -> Bool {
            let attachments: [[String: Any]] =
                banked ? [["kind": "image", "md5": CleanMessageFastPathTests.bankedMD5]] : []
            let object: [String: Any] = [
                "message_id": id, "group_id": "g-1", "sender_id": "u-9", "sent_at": "2026-11-22T09:00:00Z",
                "text": "周末一起吃饭", "attachments": attachments,
                "group": ["owner_id": "u-1", "admin_ids": ["u-2"], "member_count": members, "kind": "group"],
            ]
            let record = KafkaRecord(
                topic: "chat.group.messages", partition: 0, offset: 0, key: Array("g-1".utf8),
                value: Array(try JSONSerialization.data(withJSONObject: object)))
            let message = try handler.decode(record)
            if handler.handleImmediately(message, record: record) { return true }
            try await handler.handle(message, record: record)
            await handler.core.waitForPublishes()
            return false
        }

        func storedMessages() async throws -> Int? {
            try await store.groupActivity("g-1")?.totals(now: clock.now.withLock { $0 }, window: .seconds(3600))
                .messages
        }

        func alerts() -> [OutboxEvent] {
            publisher.events.withLock { $0 }.filter {
                String(decoding: $0.payload, as: UTF8.self).contains("group.alert")
            }
        }
    }

    /// A worker on a new ledger, or (`folder` given) a worker starting on the ledger of an earlier
    /// one; `wrap` may put a store in front of the ledger.
    static func pipeline(
        folder existing: URL? = nil, wrap: (any LedgerStore) -> any LedgerStore = { $0 }
    ) async throws -> Pipeline {
        let folder =
            existing ?? FileManager.default.temporaryDirectory.appendingPathComponent("fast-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bankFile = folder.appendingPathComponent("bank.txt")
        try "md5 \(bankedMD5) obscene test-set\n".write(to: bankFile, atomically: true, encoding: .utf8)
        let config = try await ConfigurationLoader(overrides: [
            "classification.rule_packs": EndToEndHarness.repoFile("rules/default.yaml"),
            "classification.hash_banks": bankFile.path,
            "ledger.url": "sqlite://" + folder.appendingPathComponent("ledger.sqlite").path,
        ]).load()
        let logger = Logger(label: "fast-path-test")
        let (classifier, _) = try WardenApplication.makeClassifier(config.classification, logger: logger)
        let store = wrap(try makeLedgerStore(url: config.ledger.url, logger: logger))
        try await store.migrate()
        let publisher = ContentSignalsPipelineTests.CapturingPublisher()
        let clock = TestClock()
        let core = ModerationCore(
            store: store, chain: ResponsibilityChain(policy: config.escalationPolicy),
            alertPolicy: config.groupAlertPolicy, authorizer: ActionAuthorizer(signingKey: nil),
            encoder: EventEncoder(source: config.eventSource, topics: config.topics), publisher: publisher,
            now: { clock.now.withLock { $0 } }, logger: logger)
        let handler = MessageRecordHandler(
            decoder: ContractDecoder(), classifier: classifier, core: core, topic: config.topics.messages)
        return Pipeline(handler: handler, store: store, publisher: publisher, clock: clock, folder: folder)
    }

    @Test func statisticsAreWrittenBackAtTheTwentyFifthMessageAsWithoutTheFastPath() async throws {
        let pipeline = try await Self.pipeline()
        defer { try? FileManager.default.removeItem(at: pipeline.folder) }
        var immediate: [Bool] = []
        for index in 0..<24 { immediate.append(try await pipeline.send(id: "m-\(index)")) }
        // The first message reads the (empty) ledger; the next 23 are counted in the cache.
        #expect(immediate == [false] + Array(repeating: true, count: 23))
        #expect(try await pipeline.storedMessages() == nil, "nothing written before the 25th message")
        #expect(try await pipeline.send(id: "m-24") == false, "the 25th is due to be written back")
        #expect(try await pipeline.storedMessages() == 25)
        #expect(try await pipeline.send(id: "m-25") == true)
    }

    @Test func aChangedGroupOrAFlaggedMessageTakesTheFullPath() async throws {
        let pipeline = try await Self.pipeline()
        defer { try? FileManager.default.removeItem(at: pipeline.folder) }
        try await pipeline.send(id: "m-0")
        #expect(try await pipeline.send(id: "m-1") == true)
        #expect(try await pipeline.send(id: "m-2", members: 41) == false, "a new snapshot must be saved")
        #expect(try await pipeline.send(id: "m-3", members: 41) == true)
        #expect(try await pipeline.send(id: "m-4", members: 41, banked: true) == false)
        #expect(try await pipeline.store.flag(id: FlagID.forMessage("m-4")) != nil)
    }

    @Test func aCleanMessageThatRaisesAnAlertTakesTheFullPath() async throws {
        let pipeline = try await Self.pipeline()
        defer { try? FileManager.default.removeItem(at: pipeline.folder) }
        // Ten flagged messages in a 40-member group: a content alert at the tenth.
        for index in 0..<10 { try await pipeline.send(id: "f-\(index)", banked: true) }
        #expect(pipeline.alerts().count == 1)
        #expect(try await pipeline.send(id: "m-0") == true, "no alert due: the group was alerted this window")
        // An hour on the flags still count (the window plus its newest bucket) and the alert is
        // stale: counting a clean message now raises the next alert, so it cannot be skipped.
        pipeline.clock.now.withLock { $0 = Self.t0.addingTimeInterval(3601) }
        #expect(try await pipeline.send(id: "m-1") == false)
        #expect(pipeline.alerts().count == 2)
        #expect(try await pipeline.send(id: "m-2") == true)
    }
}
