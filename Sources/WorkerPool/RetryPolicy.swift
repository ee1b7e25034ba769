/// When to try a failed record again: exponential backoff with jitter and a bounded number of
/// attempts. A pure value: the caller supplies the random source and does the waiting.
///
/// Invariants: no delay is returned once `maxAttempts` attempts have failed; every delay lies in
/// `0...maxDelay`; with `.decorrelated` every delay is at least `min(baseDelay, maxDelay)`.
public struct RetryPolicy: Sendable, Hashable {
    /// How randomness spreads retries of many records apart.
    public enum Jitter: Sendable, Hashable {
        /// Exactly `baseDelay × multiplier^(attempt-1)`, capped.
        case none
        /// Uniform in `0 ..< baseDelay × multiplier^(attempt-1)`, capped ("full jitter").
        case full
        /// Uniform in `baseDelay ..< previous × 3`, capped ("decorrelated jitter").
        case decorrelated
    }

    /// Attempts in all, the first one included (1: never retry).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var multiplier: Double
    public var jitter: Jitter

    /// `maxAttempts` is clamped to at least 1, delays to at least zero.
    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(10),
        multiplier: Double = 2, jitter: Jitter = .full
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(.zero, baseDelay)
        self.maxDelay = max(.zero, maxDelay)
        self.multiplier = max(1, multiplier)
        self.jitter = jitter
    }

    /// Never retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The wait before the next attempt after attempt number `attempt` (1-based) failed, or
    /// `nil` when no attempt is left. `previousDelay` is the wait before the attempt that just
    /// failed (`nil` after the first), used by `.decorrelated`.
    public func delay(
        afterAttempt attempt: Int, previousDelay: Duration?, using random: inout some RandomNumberGenerator
    ) -> Duration? {
        guard attempt >= 1, attempt < maxAttempts else { return nil }
        let base = seconds(baseDelay)
        let cap = seconds(maxDelay)
        let delay: Double
        switch jitter {
        case .none:
            delay = min(cap, exponential(base, attempt))
        case .full:
            delay = min(cap, exponential(base, attempt)) * Self.unit(&random)
        case .decorrelated:
            let low = min(base, cap)
            let previous = previousDelay.map(seconds) ?? base
            let high = min(cap, max(low, previous * 3))
            delay = low + (high - low) * Self.unit(&random)
        }
        return .nanoseconds(Int64((min(cap, max(0, delay)) * 1e9).rounded(.down)))
    }

    /// A number in `0 ..< 1` from the top 53 bits of one draw: 0 for a draw of 0, just below 1
    /// for `UInt64.max` (documented so tests can pin jitter down).
    static func unit(_ random: inout some RandomNumberGenerator) -> Double {
        Double(random.next() >> 11) * 0x1p-53
    }

    private func exponential(_ base: Double, _ attempt: Int) -> Double {
        // Bounded exponent: beyond 2^64 × base the cap applies anyway.
        base * pow(multiplier, Double(min(attempt - 1, 64)))
    }

    private func pow(_ x: Double, _ n: Double) -> Double {
        var result = 1.0
        var remaining = Int(n)
        while remaining > 0 {
            result *= x
            remaining -= 1
        }
        return result
    }

    private func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
