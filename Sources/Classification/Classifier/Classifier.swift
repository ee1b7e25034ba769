/// Classifies one group-chat message. Implementations are safe to call concurrently from any
/// number of tasks.
public protocol Classifier: Sendable {
    /// The verdict for a message's text and attachments. Never throws: a message that cannot be
    /// matched is clean.
    func classify(text: String?, attachments: [MessageAttachment]) -> Verdict
}

extension Classifier {
    /// The verdict for a text alone.
    public func classify(_ text: String) -> Verdict {
        classify(text: text, attachments: [])
    }
}
