/// A configuration problem that stops start-up: which key (or file and line) and why.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted key, or the file path when the problem is the file itself.
    public let key: String
    public let reason: String
    /// `file:line` where the bad value was written, when it came from a file.
    public let location: String?

    public init(key: String, reason: String, location: String? = nil) {
        self.key = key
        self.reason = reason
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(key): \(reason)" }
        return "\(key): \(reason)"
    }
}
