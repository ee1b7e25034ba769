import Foundation

/// A group-chat message as the platform publishes it on `chat.group.messages`.
public struct GroupMessage: Sendable, Equatable {
    public enum GroupKind: String, Sendable, Codable {
        case group, family, direct

        /// One-to-one and family chats are private communication: counted, never inspected.
        public var isPrivate: Bool { self != .group }
    }

    public struct Group: Sendable, Equatable {
        /// `nil` when the group has no owner.
        public var ownerID: String?
        public var adminIDs: [String]
        public var memberCount: Int
        public var kind: GroupKind
    }

    public struct Attachment: Sendable, Equatable {
        public enum Kind: String, Sendable, Codable { case image, video, audio, file, link }
        public var kind: Kind
        public var url: String?
        /// 64 lower-case hex characters (256-bit PDQ).
        public var pdq: String?
        /// 32 lower-case hex characters.
        public var md5: String?
        public var name: String?
    }

    public var messageID: String
    public var groupID: String
    public var senderID: String
    public var sentAt: Date
    public var text: String?
    public var attachments: [Attachment]
    public var group: Group
}

/// The part of a message read before anything else: enough to route it and to tell whether it
/// is private, without keeping its text.
public struct MessageEnvelope: Sendable, Equatable {
    public var messageID: String
    public var groupID: String
    public var kind: GroupMessage.GroupKind
}
