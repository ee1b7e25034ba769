import Escalation
import Foundation

/// A credit penalty that belongs to a ledger change: the sender of a flagged message, the owner
/// who let a deadline pass. The store applies it to the user's stored rating inside the change's
/// transaction, so a flag and its penalty are recorded together or not at all (a replayed message
/// whose flag already exists lowers nobody's credit twice).
public struct CreditPenalty: Sendable, Hashable {
    public var userID: String
    public var event: CreditRating.Event
    public var at: Date
    public var policy: CreditRating.Policy

    public init(userID: String, event: CreditRating.Event, at: Date, policy: CreditRating.Policy) {
        self.userID = userID
        self.event = event
        self.at = at
        self.policy = policy
    }

    /// The user's rating after the penalty, from the stored one (a new user starts at 100).
    public func applied(to stored: CreditRating?) -> CreditRating {
        (stored ?? CreditRating(updatedAt: at)).applying(event, now: at, policy: policy)
    }
}
