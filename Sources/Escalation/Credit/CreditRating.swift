import Foundation

/// A user's credit (信用等级), 0...100, lowered by violations and missed deadlines and recovering
/// linearly over time. A pure value; the ledger stores one per user.
public struct CreditRating: Sendable, Codable, Hashable {
    /// What lowers a rating.
    public enum Event: Sendable, Hashable {
        case violation(Severity)
        case missedDeadline
    }

    /// The settings of the rating.
    public struct Policy: Sendable, Hashable {
        public var penalties: [Severity: Double] = [.low: 2, .medium: 5, .high: 10, .critical: 25]
        public var missedDeadlinePenalty: Double = 5
        /// Points recovered per day without events.
        public var recoveryPerDay: Double = 1
        /// At or below this score a user is blacklisted (cannot build groups).
        public var blacklistAt: Double = 40

        public init() {}
    }

    public var score: Double
    public var updatedAt: Date

    public init(score: Double = 100, updatedAt: Date) {
        self.score = score
        self.updatedAt = updatedAt
    }

    /// The score at `now`, with recovery since the last event.
    public func current(now: Date, policy: Policy) -> Double {
        let days = max(0, now.timeIntervalSince(updatedAt)) / 86_400
        return min(100, score + days * policy.recoveryPerDay)
    }

    public func isBlacklisted(now: Date, policy: Policy) -> Bool {
        current(now: now, policy: policy) <= policy.blacklistAt
    }

    /// The rating after `event` at `now`.
    public func applying(_ event: Event, now: Date, policy: Policy) -> CreditRating {
        let penalty: Double
        switch event {
        case .violation(let severity): penalty = policy.penalties[severity] ?? 0
        case .missedDeadline: penalty = policy.missedDeadlinePenalty
        }
        return CreditRating(score: max(0, current(now: now, policy: policy) - penalty), updatedAt: max(now, updatedAt))
    }
}
