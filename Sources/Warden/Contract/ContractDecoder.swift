import Foundation

/// Decodes and validates platform records. Every rejection is a ``ContractError`` naming the
/// field and the problem, so the record can go to the DLQ with a reason.
public struct ContractDecoder: Sendable {
    /// Records larger than this are refused before parsing.
    public var maxRecordBytes: Int
    /// Message texts longer than this (UTF-8 bytes) are refused.
    public var maxTextBytes: Int

    public init(maxRecordBytes: Int = 1 << 20, maxTextBytes: Int = 65_536) {
        self.maxRecordBytes = maxRecordBytes
        self.maxTextBytes = maxTextBytes
    }

    /// Reads only the routing fields and the group kind, so a private message can be counted
    /// and dropped without its text or attachments ever being looked at.
    public func envelope(_ bytes: [UInt8]) throws -> MessageEnvelope {
        try envelope(JSONFields.parse(bytes, maxBytes: maxRecordBytes))
    }

    /// Parses a record once and reads its envelope first: a private chat stops there (nil), its
    /// text and attachments unread; any other message is decoded in full.
    public func groupMessage(_ bytes: [UInt8]) throws -> GroupMessage? {
        // Well-formed messages are read without a tree; the rest decode from one, with errors.
        if bytes.count <= maxRecordBytes, let outcome = GroupMessageReader.read(bytes, maxTextBytes: maxTextBytes) {
            switch outcome {
            case .privateChat: return nil
            case .message(let message): return message
            }
        }
        return try treeGroupMessage(bytes)
    }

    /// `groupMessage` through the JSON tree alone (the reference the direct reader is tested against).
    func treeGroupMessage(_ bytes: [UInt8]) throws -> GroupMessage? {
        let fields = try JSONFields.parse(bytes, maxBytes: maxRecordBytes)
        if try envelope(fields).kind.isPrivate { return nil }
        return try message(fields)
    }

    private func envelope(_ fields: JSONFields) throws -> MessageEnvelope {
        MessageEnvelope(
            messageID: try fields.string("message_id"), groupID: try fields.string("group_id"),
            kind: try fields.object("group").enumeration("kind", GroupMessage.GroupKind.self))
    }

    /// Decodes a full group message. Call only for messages whose envelope is not private.
    public func message(_ bytes: [UInt8]) throws -> GroupMessage {
        try message(JSONFields.parse(bytes, maxBytes: maxRecordBytes))
    }

    private func message(_ fields: JSONFields) throws -> GroupMessage {
        let messageID = try fields.string("message_id")
        let groupID = try fields.string("group_id")
        let senderID = try fields.string("sender_id")
        let sentAt = try fields.timestamp("sent_at")
        let group = try fields.object("group")
        let memberCount = try group.optionalInt("member_count") ?? 0
        guard memberCount >= 0 else {
            throw ContractError(.invalidValue, field: "group.member_count", "must not be negative")
        }
        let text = try fields.optionalString("text")
        if let text, text.utf8.count > maxTextBytes {
            throw ContractError(.tooLarge, field: "text", "\(text.utf8.count) bytes; the limit is \(maxTextBytes)")
        }
        let attachments = try fields.objects("attachments").map { item in
            GroupMessage.Attachment(
                kind: try item.enumeration("kind", GroupMessage.Attachment.Kind.self),
                url: try item.optionalString("url"), pdq: try item.optionalHex("pdq", length: 64),
                md5: try item.optionalHex("md5", length: 32), name: try item.optionalString("name"))
        }
        let owner = try group.optionalString("owner_id")
        return GroupMessage(
            messageID: messageID, groupID: groupID, senderID: senderID, sentAt: sentAt, text: text,
            attachments: attachments,
            group: .init(
                ownerID: owner?.isEmpty == true ? nil : owner, adminIDs: try group.stringArray("admin_ids"),
                memberCount: memberCount, kind: try group.enumeration("kind", GroupMessage.GroupKind.self)))
    }

    /// Decodes a moderation action.
    public func action(_ bytes: [UInt8]) throws -> ModerationAction {
        try signedAction(bytes).action
    }

    /// Decodes a moderation action and keeps its `at` exactly as sent: the signature covers
    /// that text, not the instant it denotes.
    public func signedAction(_ bytes: [UInt8]) throws -> (action: ModerationAction, atText: String?) {
        let fields = try JSONFields.parse(bytes, maxBytes: maxRecordBytes)
        return (try action(fields), try fields.optionalString("at"))
    }

    private func action(_ fields: JSONFields) throws -> ModerationAction {
        let flagID = try fields.optionalString("flag_id")
        let messageID = try fields.optionalString("message_id")
        guard flagID?.isEmpty == false || messageID?.isEmpty == false else {
            throw ContractError(.missingField, field: "flag_id", "flag_id or message_id is required")
        }
        return ModerationAction(
            actionID: try fields.string("action_id"), flagID: flagID, messageID: messageID,
            groupID: try fields.string("group_id"), actorID: try fields.string("actor_id"),
            actorRole: try fields.enumeration("actor_role", ModerationAction.Role.self),
            action: try fields.enumeration("action", ModerationAction.Kind.self),
            at: try fields.optionalTimestamp("at"),
            signature: try fields.optionalString("signature"))
    }
}
