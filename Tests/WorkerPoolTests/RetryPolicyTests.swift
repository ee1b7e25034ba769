import Testing

@testable import WorkerPool

/// Returns the given draws in turn (then repeats the last).
struct ScriptedRandom: RandomNumberGenerator {
    var draws: [UInt64]
    private var index = 0

    init(_ draws: [UInt64]) { self.draws = draws }

    mutating func next() -> UInt64 {
        defer { index = min(index + 1, draws.count - 1) }
        return draws[index]
    }
}

@Suite struct RetryPolicyTests {
    private let top = UInt64.max
    private let half = UInt64(1) << 63

    @Test func withoutJitterDelaysDoubleFromTheBaseUpToTheCap() {
        let policy = RetryPolicy(
            maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: .none)
        var random = ScriptedRandom([0])
        let delays = (1...6).map { policy.delay(afterAttempt: $0, previousDelay: nil, using: &random) }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ])
    }

    @Test func noDelayIsGivenOnceTheAttemptsAreUsedUp() {
        let policy = RetryPolicy(maxAttempts: 3, jitter: .none)
        var random = ScriptedRandom([0])
        #expect(take(policy.delay(afterAttempt: 1, previousDelay: nil, using: &random) != nil))
        #expect(take(policy.delay(afterAttempt: 2, previousDelay: nil, using: &random) != nil))
        #expect(take(policy.delay(afterAttempt: 3, previousDelay: nil, using: &random) == nil))
        #expect(take(policy.delay(afterAttempt: 0, previousDelay: nil, using: &random) == nil))
        #expect(take(RetryPolicy.never.delay(afterAttempt: 1, previousDelay: nil, using: &random) == nil))
        #expect(RetryPolicy(maxAttempts: -4).maxAttempts == 1)
    }

    @Test func fullJitterSpansZeroToTheExponentialDelay() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(10), jitter: .full)
        var low = ScriptedRandom([0])
        var middle = ScriptedRandom([half])
        var high = ScriptedRandom([top])
        #expect(take(policy.delay(afterAttempt: 3, previousDelay: nil, using: &low) == .zero))
        #expect(take(policy.delay(afterAttempt: 3, previousDelay: nil, using: &middle) == .milliseconds(200)))
        let highest = policy.delay(afterAttempt: 3, previousDelay: nil, using: &high)!
        #expect(highest < .milliseconds(400) && highest > .milliseconds(399))
    }

    @Test func fullJitterNeverExceedsTheCap() {
        let policy = RetryPolicy(maxAttempts: 100, baseDelay: .seconds(1), maxDelay: .seconds(3), jitter: .full)
        var random = ScriptedRandom([top])
        for attempt in 1..<100 {
            let delay = policy.delay(afterAttempt: attempt, previousDelay: nil, using: &random)!
            #expect(delay <= .seconds(3))
        }
    }

    @Test func decorrelatedJitterStaysBetweenTheBaseAndThreeTimesThePreviousDelay() {
        let policy = RetryPolicy(
            maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(10), jitter: .decorrelated)
        var low = ScriptedRandom([0])
        var middle = ScriptedRandom([half])
        #expect(take(policy.delay(afterAttempt: 1, previousDelay: nil, using: &low) == .milliseconds(100)))
        // First retry: base ..< 3 × base.
        #expect(take(policy.delay(afterAttempt: 1, previousDelay: nil, using: &middle) == .milliseconds(200)))
        // Later: base ..< 3 × previous.
        #expect(take(policy.delay(afterAttempt: 4, previousDelay: .seconds(1), using: &middle) == .milliseconds(1_550)))
        var high = ScriptedRandom([top])
        let capped = policy.delay(afterAttempt: 5, previousDelay: .seconds(8), using: &high)!
        #expect(capped <= .seconds(10) && capped > .milliseconds(9_999))
    }

    @Test func aHugeAttemptNumberIsCappedWithoutOverflow() {
        let policy = RetryPolicy(maxAttempts: .max, baseDelay: .seconds(1), maxDelay: .seconds(30), jitter: .none)
        var random = ScriptedRandom([0])
        #expect(take(policy.delay(afterAttempt: 10_000, previousDelay: nil, using: &random) == .seconds(30)))
    }

    @Test func theUnitDrawIsTheTop53BitsOfOneDraw() {
        var zero = ScriptedRandom([0])
        var max = ScriptedRandom([.max])
        #expect(take(RetryPolicy.unit(&zero) == 0))
        #expect(take(RetryPolicy.unit(&max) == 1 - 0x1p-53))
    }
}
