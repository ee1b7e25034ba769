/// The parts of a contract attachment the classifier looks at. Its `name` (and a `link`'s url)
/// is matched like text; evidence found there is reported as the attachment's index.
public struct MessageAttachment: Sendable, Hashable {
    public var kind: String
    public var url: String?
    public var pdq: String?
    public var md5: String?
    public var name: String?

    public init(kind: String, url: String? = nil, pdq: String? = nil, md5: String? = nil, name: String? = nil) {
        self.kind = kind
        self.url = url
        self.pdq = pdq
        self.md5 = md5
        self.name = name
    }
}
