/// What an extracted entity is.
public enum ExtractedEntityKind: String, Sendable, Hashable, CaseIterable {
    case url
    case domain
    case phone
    case qq
    case wechat
    case idCard = "id_card"
}

/// Contact details or a link found in a message text. `value` is normalised (digits only for
/// phone/QQ/ID card, lowercase host for a domain, lowercase id for WeChat). `start..<end` are
/// Unicode scalar offsets into the ORIGINAL text, half-open. The value is personal data: it must
/// never be logged or put in an event; report the offsets.
public struct ExtractedEntity: Sendable, Hashable {
    public var kind: ExtractedEntityKind
    public var value: String
    public var start: Int
    public var end: Int

    public init(kind: ExtractedEntityKind, value: String, start: Int, end: Int) {
        self.kind = kind
        self.value = value
        self.start = start
        self.end = end
    }
}
