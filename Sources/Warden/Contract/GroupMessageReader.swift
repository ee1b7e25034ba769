/// Reads a group message straight from its bytes into its fields, without the JSON tree the
/// contract decoder otherwise builds and then looks keys up in (building and freeing that tree
/// was most of a clean message's decoding cost).
///
/// It answers only when it can answer exactly: a document that is not well-formed JSON, or not a
/// message it reads in full (a field of the wrong type, missing or empty, an unknown kind, a
/// timestamp or hash not in the contract's form, text over the limit), gives nil, and
/// `ContractDecoder` decodes it from the tree as before, with the same result or the same error
/// naming the field. The whole document is checked as the tree parser checks it, unknown keys
/// included; a key given twice counts with its last value, as in the tree.
enum GroupMessageReader {
    enum Outcome: Equatable {
        case privateChat
        case message(GroupMessage)
    }

    static func read(_ bytes: [UInt8], maxTextBytes: Int) -> Outcome? {
        bytes.withUnsafeBufferPointer { buffer -> Outcome? in
            var parser = JSONParser(bytes: buffer)
            do throws(JSONValue.SyntaxError) {
                return try parser.groupMessage(maxTextBytes: maxTextBytes)
            } catch {
                return nil
            }
        }
    }
}

extension JSONParser {
    /// Fields of the message as read; nil until seen. Strings are kept as sent, checked after.
    private struct Fields {
        var messageID: String?
        var groupID: String?
        var senderID: String?
        var sentAt: String?
        var text: String?
        var attachments: [GroupMessage.Attachment] = []
        var ownerID: String?
        var adminIDs: [String] = []
        var memberCount = 0
        var kind: String?
        var hasGroup = false
    }

    /// Any reason to leave the document to the tree decoder.
    private func unreadable() -> JSONValue.SyntaxError {
        failure("left to the tree decoder")
    }

    fileprivate mutating func groupMessage(maxTextBytes: Int) throws(JSONValue.SyntaxError) -> GroupMessageReader
        .Outcome?
    {
        var fields = Fields()
        skipWhitespace()
        try members(depth: 1) { (parser: inout JSONParser, key: String) throws(JSONValue.SyntaxError) in
            switch key {
            case "message_id": fields.messageID = try parser.optionalString()
            case "group_id": fields.groupID = try parser.optionalString()
            case "sender_id": fields.senderID = try parser.optionalString()
            case "sent_at": fields.sentAt = try parser.optionalString()
            case "text": fields.text = try parser.optionalString()
            case "attachments": fields.attachments = try parser.attachments(depth: 2)
            case "group": try parser.group(depth: 2, into: &fields)
            default: _ = try parser.value(depth: 1)
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw unreadable() }

        // The envelope first, as the tree decoder reads it: a private chat stops here.
        guard let messageID = fields.messageID, !messageID.isEmpty, let groupID = fields.groupID, !groupID.isEmpty,
            fields.hasGroup, let kindName = fields.kind, let kind = GroupMessage.GroupKind(rawValue: kindName)
        else { throw unreadable() }
        if kind.isPrivate { return .privateChat }
        guard let senderID = fields.senderID, !senderID.isEmpty, let sentAtText = fields.sentAt,
            let sentAt = RFC3339.parse(sentAtText), fields.memberCount >= 0,
            (fields.text?.utf8.count ?? 0) <= maxTextBytes
        else { throw unreadable() }
        return .message(
            GroupMessage(
                messageID: messageID, groupID: groupID, senderID: senderID, sentAt: sentAt, text: fields.text,
                attachments: fields.attachments,
                group: .init(
                    ownerID: fields.ownerID?.isEmpty == true ? nil : fields.ownerID, adminIDs: fields.adminIDs,
                    memberCount: fields.memberCount, kind: kind)))
    }

    /// The object at `index`, nested `depth` containers deep (the document's own object is at 1),
    /// calling `member` with the parser placed at each member's value; the call must step past it.
    private mutating func members(
        depth: Int, _ member: (inout JSONParser, String) throws(JSONValue.SyntaxError) -> Void
    ) throws(JSONValue.SyntaxError) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw unreadable() }
        guard try opens(closing: UInt8(ascii: "}"), depth: depth) else { return }
        repeat {
            let key = try memberKey()
            try member(&self, key)
        } while try continues(closing: UInt8(ascii: "}"))
    }

    /// The array at `index`, nested `depth` containers deep, calling `element` at each element.
    private mutating func elements(depth: Int, _ element: (inout JSONParser) throws(JSONValue.SyntaxError) -> Void)
        throws(JSONValue.SyntaxError)
    {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw unreadable() }
        guard try opens(closing: UInt8(ascii: "]"), depth: depth) else { return }
        repeat {
            skipWhitespace()
            try element(&self)
        } while try continues(closing: UInt8(ascii: "]"))
    }

    /// True past a `null` at `index`.
    private mutating func skipsNull() throws(JSONValue.SyntaxError) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// A string, or nil for `null`; anything else is left to the tree decoder.
    private mutating func optionalString() throws(JSONValue.SyntaxError) -> String? {
        if try skipsNull() { return nil }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw unreadable() }
        return try string()
    }

    private mutating func group(depth: Int, into fields: inout Fields) throws(JSONValue.SyntaxError) {
        // `null` reads as a missing group: the tree decoder names the error.
        fields.hasGroup = !(try skipsNull())
        guard fields.hasGroup else { return }
        // A later "group" replaces an earlier one entirely.
        fields.ownerID = nil
        fields.adminIDs = []
        fields.memberCount = 0
        fields.kind = nil
        try members(depth: depth) { (parser: inout JSONParser, key: String) throws(JSONValue.SyntaxError) in
            switch key {
            case "owner_id": fields.ownerID = try parser.optionalString()
            case "kind": fields.kind = try parser.optionalString()
            case "member_count": fields.memberCount = try parser.optionalInt() ?? 0
            case "admin_ids":
                fields.adminIDs = []
                if try parser.skipsNull() { return }
                try parser.elements(depth: depth + 1) { (parser: inout JSONParser) throws(JSONValue.SyntaxError) in
                    guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
                        throw parser.unreadable()
                    }
                    fields.adminIDs.append(try parser.string())
                }
            default: _ = try parser.value(depth: depth)
            }
        }
    }

    /// An integer-valued number (as the tree reads it: a double that is a whole number), or nil
    /// for `null`.
    private mutating func optionalInt() throws(JSONValue.SyntaxError) -> Int? {
        if try skipsNull() { return nil }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "-") || (48...57).contains(bytes[index]) else {
            throw unreadable()
        }
        guard let int = Int(exactly: try number()) else { throw unreadable() }
        return int
    }

    private mutating func attachments(depth: Int) throws(JSONValue.SyntaxError) -> [GroupMessage.Attachment] {
        var attachments: [GroupMessage.Attachment] = []
        if try skipsNull() { return attachments }
        try elements(depth: depth) { (parser: inout JSONParser) throws(JSONValue.SyntaxError) in
            var kind: String?
            var url: String?
            var pdq: String?
            var md5: String?
            var name: String?
            try parser.members(depth: depth + 1) {
                (parser: inout JSONParser, key: String) throws(JSONValue.SyntaxError) in
                switch key {
                case "kind": kind = try parser.optionalString()
                case "url": url = try parser.optionalString()
                case "pdq": pdq = try parser.optionalString()
                case "md5": md5 = try parser.optionalString()
                case "name": name = try parser.optionalString()
                default: _ = try parser.value(depth: depth + 1)
                }
            }
            guard let kind, let attachmentKind = GroupMessage.Attachment.Kind(rawValue: kind) else {
                throw parser.unreadable()
            }
            attachments.append(
                GroupMessage.Attachment(
                    kind: attachmentKind, url: url, pdq: try parser.hex(pdq, length: 64),
                    md5: try parser.hex(md5, length: 32), name: name))
        }
        return attachments
    }

    /// A hash as the tree decoder accepts it (any case, stored lower-case).
    private func hex(_ raw: String?, length: Int) throws(JSONValue.SyntaxError) -> String? {
        guard let raw else { return nil }
        let lower = raw.lowercased()
        guard lower.utf8.count == length, lower.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { throw unreadable() }
        return lower
    }
}
