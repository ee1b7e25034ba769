import KafkaClient
import Testing

@testable import WorkerPool

@Suite struct DeadLetterTests {
    @Test func theDeadLetterCopyKeepsOriginalHeadersAndAddsTheContractHeaders() {
        let record = KafkaRecord(
            topic: "chat.group.messages", partition: 7, offset: 1234, key: Array("g-42".utf8),
            value: [0xFF, 0x00, 0x7B],
            headers: [
                KafkaHeader(key: "trace", value: Array("t1".utf8)),
                KafkaHeader(key: "x-warden-error", value: Array("stale".utf8)),
            ])
        let headers = DeadLetter.headers(for: record, reason: "invalid_json: unexpected end")
        #expect(
            headers == [
                KafkaHeader(key: "trace", value: Array("t1".utf8)),
                KafkaHeader(key: "x-warden-error", value: Array("invalid_json: unexpected end".utf8)),
                KafkaHeader(key: "x-warden-source-topic", value: Array("chat.group.messages".utf8)),
                KafkaHeader(key: "x-warden-source-partition", value: Array("7".utf8)),
                KafkaHeader(key: "x-warden-source-offset", value: Array("1234".utf8)),
            ])
    }

    @Test func failuresDecideRetryAndUnknownErrorsAreRetriable() {
        struct Opaque: Error {}
        let permanent = FailureVerdict(RecordFailure(code: "bad_state", message: "", isRetriable: false))
        #expect(permanent == FailureVerdict(isRetriable: false, reason: "bad_state"))
        let transient = FailureVerdict(RecordFailure(code: "ledger", message: "busy", isRetriable: true))
        #expect(transient == FailureVerdict(isRetriable: true, reason: "ledger: busy"))
        #expect(FailureVerdict(Opaque()).isRetriable)
        #expect(FailureVerdict(Opaque()).reason.contains("Opaque"))
        let kafka = KafkaError(code: -185, name: "_TIMED_OUT", message: "timed out", isRetriable: true)
        #expect(FailureVerdict(kafka) == FailureVerdict(isRetriable: true, reason: "_TIMED_OUT: timed out"))
    }
}
