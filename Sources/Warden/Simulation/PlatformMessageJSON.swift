import Foundation

/// A `chat.group.messages` record as a platform writes it, for the simulated platforms (demo,
/// load, chaos). Encoded with `JSONEncoder` and sorted keys, so the same message always has the
/// same bytes; `JSONSerialization` with sorted keys cost about 80 µs a message here (locale-aware
/// key comparison), a tenth of that with this encoder.
struct PlatformMessageJSON: Encodable {
    struct GroupInfo: Encodable {
        var ownerID: String?
        var adminIDs: [String]
        var memberCount: Int
        var kind: String

        enum CodingKeys: String, CodingKey {
            case ownerID = "owner_id", adminIDs = "admin_ids", memberCount = "member_count", kind
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            // An ownerless group says so explicitly, as platforms do.
            try container.encode(ownerID, forKey: .ownerID)
            try container.encode(adminIDs, forKey: .adminIDs)
            try container.encode(memberCount, forKey: .memberCount)
            try container.encode(kind, forKey: .kind)
        }
    }

    var messageID: String
    var groupID: String
    var senderID: String
    var sentAt: String
    var text: String
    var group: GroupInfo
    /// A field the contract does not define (left out when nil), for load tests that need
    /// records of a given size.
    var padding: String?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", groupID = "group_id", senderID = "sender_id", sentAt = "sent_at", text, group
        case padding = "x_load_padding"
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    func bytes() -> [UInt8] {
        // Encoding strings, ints and arrays of strings cannot fail.
        Array((try? Self.encoder.encode(self)) ?? Data())
    }
}
