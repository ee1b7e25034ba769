import Foundation
import Testing

@testable import Warden

@Suite struct CloudEventTests {
    struct Sample: Encodable, Sendable {
        var flagID: String
        var timeToActionSeconds: Int
    }

    @Test func encodesTheContractEnvelopeDeterministically() throws {
        let event = CloudEvent(
            id: "flag-1:flag.resolved:2", source: "groupwarden", type: EventType.flagResolved.rawValue,
            time: Date(timeIntervalSince1970: 1_795_338_180), subject: "g-42",
            data: Sample(flagID: "flag-1", timeToActionSeconds: 180))
        let json = String(decoding: try event.encoded(), as: UTF8.self)
        #expect(
            json
                == #"{"data":{"flag_id":"flag-1","time_to_action_seconds":180},"datacontenttype":"application/json","id":"flag-1:flag.resolved:2","source":"groupwarden","specversion":"1.0","subject":"g-42","time":"2026-11-22T09:03:00.000Z","type":"flag.resolved"}"#
        )
        #expect(try event.encoded() == event.encoded())
    }
}
