/// What the chain decided for one input: the flag as it should now be stored, and the events
/// to publish with it (in order). The caller stores both atomically, then publishes.
public struct Decision: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// A new flag.
        case created
        /// The flag changed.
        case updated
        /// Nothing to do: a replay, a deadline not due, an already closed flag.
        case unchanged(reason: String)
    }

    public var outcome: Outcome
    /// The flag after the decision; `nil` only when there is no flag at all.
    public var flag: Flag?
    public var events: [IdentifiedEvent]

    /// Whether anything must be written.
    public var changesLedger: Bool {
        if case .unchanged = outcome { return false }
        return true
    }

    static func unchanged(_ flag: Flag?, _ reason: String) -> Decision {
        Decision(outcome: .unchanged(reason: reason), flag: flag, events: [])
    }
}
