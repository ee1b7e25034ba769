import Foundation
import Logging
import Synchronization
import Testing

@testable import Warden

@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
        func sink() -> JSONLogHandler.Sink {
            JSONLogHandler.Sink { bytes in self.storage.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
        }
    }

    @Test func writesOneParsableJSONObjectPerLineWithMetadataAtTopLevel() throws {
        let lines = Lines()
        var logger = Logger(label: "test") { JSONLogHandler(label: $0, level: .info, sink: lines.sink()) }
        logger[metadataKey: LogKey.workerID] = "w-1"
        logger.info(
            "flag raised \"quoted\"\n",
            metadata: [
                LogKey.topic: "chat.group.messages", LogKey.partition: "3", LogKey.offset: .stringConvertible(42),
            ])
        logger.debug("hidden below the level")
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "flag raised \"quoted\"\n")
        #expect(object["level"] as? String == "info")
        #expect(object["worker_id"] as? String == "w-1")
        #expect(object["topic"] as? String == "chat.group.messages")
        #expect((object["offset"] as? NSNumber)?.intValue == 42)
        #expect(object["time"] is String)
    }

    @Test func textFormatIsOneReadableLine() {
        let lines = Lines()
        let logger = Logger(label: "t") {
            JSONLogHandler(label: $0, level: .info, sink: lines.sink(), textFormat: true)
        }
        logger.warning("slow", metadata: [LogKey.flagID: "flag-1"])
        #expect(lines.all.first?.contains("warning [t] slow flag_id=flag-1") == true)
    }
}
