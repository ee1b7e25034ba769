import Foundation
import Testing

@testable import Warden

@Suite struct ContractDecoderTests {
    let decoder = ContractDecoder(maxRecordBytes: 4096, maxTextBytes: 64)

    private func bytes(_ json: String) -> [UInt8] { Array(json.utf8) }

    private let validMessage = """
        {"message_id":"m-1","group_id":"g-42","sender_id":"u-77","sent_at":"2026-11-22T09:00:00Z",
         "text":"hello","attachments":[{"kind":"image","pdq":"\(String(repeating: "ab", count: 32))",
         "md5":"\(String(repeating: "0F", count: 16))"}],
         "group":{"owner_id":"u-1","admin_ids":["u-2"],"member_count":230,"kind":"group"}}
        """

    @Test func decodesAContractMessage() throws {
        let message = try decoder.message(bytes(validMessage))
        #expect(message.messageID == "m-1")
        #expect(message.group.ownerID == "u-1")
        #expect(message.group.adminIDs == ["u-2"])
        #expect(message.group.memberCount == 230)
        #expect(message.attachments.first?.md5 == String(repeating: "0f", count: 16))
        #expect(message.sentAt == Date(timeIntervalSince1970: 1_795_338_000))
    }

    @Test func envelopeTellsPrivateChatsWithoutReadingText() throws {
        let family = #"{"message_id":"m","group_id":"g","text":12345,"group":{"kind":"family"}}"#
        // The text field is malformed, yet the envelope decodes: private text is never looked at.
        let envelope = try decoder.envelope(bytes(family))
        #expect(envelope.kind.isPrivate)
        #expect(try decoder.envelope(bytes(validMessage)).kind.isPrivate == false)
    }

    @Test func nullOwnerMeansNoOwner() throws {
        let json = validMessage.replacingOccurrences(of: #""owner_id":"u-1""#, with: #""owner_id":null"#)
        #expect(try decoder.message(bytes(json)).group.ownerID == nil)
    }

    @Test(arguments: [
        ("not json", ContractError.Code.invalidJSON, ""),
        ("[1,2]", .wrongType, ""),
        (#"{"group_id":"g"}"#, .missingField, "message_id"),
        (
            #"{"message_id":"m","group_id":"g","sender_id":"s","sent_at":"yesterday","group":{"kind":"group"}}"#,
            .invalidValue, "sent_at"
        ),
        (
            #"{"message_id":"m","group_id":"g","sender_id":"s","sent_at":"2026-11-22T09:00:00Z","group":{"kind":"club"}}"#,
            .invalidValue, "group.kind"
        ),
        (#"{"message_id":7,"group_id":"g"}"#, .wrongType, "message_id"),
        (
            #"{"message_id":"m","group_id":"g","sender_id":"s","sent_at":"2026-11-22T09:00:00Z","group":{"kind":"group","member_count":true}}"#,
            .wrongType, "group.member_count"
        ),
        (
            #"{"message_id":"m","group_id":"g","sender_id":"s","sent_at":"2026-11-22T09:00:00Z","attachments":[{"kind":"image","md5":"xyz"}],"group":{"kind":"group"}}"#,
            .invalidValue, "attachments[0].md5"
        ),
    ])
    func malformedMessagesAreRefusedWithAFieldAndCode(json: String, code: ContractError.Code, field: String) {
        let error = #expect(throws: ContractError.self) { try decoder.message(bytes(json)) }
        #expect(error?.code == code)
        #expect(error?.field == field)
    }

    @Test func oversizedTextAndRecordsAreRefused() {
        let long = validMessage.replacingOccurrences(of: "hello", with: String(repeating: "赌", count: 30))
        #expect(throws: ContractError(.tooLarge, field: "text", "90 bytes; the limit is 64")) {
            try decoder.message(bytes(long))
        }
        let huge = [UInt8](repeating: 32, count: 5000)
        #expect((try? decoder.message(huge)) == nil)
    }

    @Test func invalidUTF8AndDeepNestingAreRefusedNotCrashed() {
        #expect(throws: ContractError.self) { try decoder.message([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]) }
        let deep = String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000)
        let big = ContractDecoder(maxRecordBytes: 1 << 20)
        #expect(throws: ContractError.self) { try big.message(bytes(deep)) }
    }

    @Test func decodesAnActionAndRequiresAFlagOrMessage() throws {
        let action = try decoder.action(
            bytes(
                #"{"action_id":"a-1","flag_id":"f","group_id":"g","actor_id":"u-1","actor_role":"owner","action":"delete_message","at":"2026-11-22T09:03:00Z"}"#
            ))
        #expect(action.action == .deleteMessage)
        #expect(action.actorRole == .owner)
        let missing = #expect(throws: ContractError.self) {
            try decoder.action(
                bytes(#"{"action_id":"a","group_id":"g","actor_id":"u","actor_role":"owner","action":"report"}"#))
        }
        #expect(missing?.field == "flag_id")
    }
}
