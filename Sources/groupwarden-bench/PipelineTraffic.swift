import Foundation
import KafkaClient
import Synchronization
import Warden

/// Produces `LoadTraffic` for the pipeline benchmark: all at once, or paced at a rate with the
/// send time of every violating message handed to the `FlagReader`.
struct PipelineTraffic: Sendable {
    let seed: UInt64
    let groups: Int
    let privateShare: Double
    let violationShare: Double
    /// Filler bytes per record (see `LoadTraffic`).
    var paddingBytes = 0

    /// Produces `count` messages as fast as the producer takes them; returns how many violate.
    func produceAll(count: Int, prefix: String, topic: String, producer: KafkaProducer) async throws -> (
        violating: Int, seconds: Double
    ) {
        var traffic = LoadTraffic(
            seed: seed, groups: groups, privateShare: privateShare, violationShare: violationShare,
            paddingBytes: paddingBytes)
        let start = ContinuousClock.now
        var violating = 0
        var sent = 0
        let window = 2_000  // a task group removes finished children in O(children): keep it small
        let now = Date()
        while sent < count {
            let batch = (sent..<min(count, sent + window)).map { traffic.next(id: "\(prefix)-\($0)", sentAt: now) }
            violating += batch.filter(\.violates).count
            try await withThrowingTaskGroup(of: Void.self) { group in
                for message in batch {
                    group.addTask { _ = try await producer.send(topic: topic, key: message.key, value: message.json) }
                }
                try await group.waitForAll()
            }
            sent += batch.count
        }
        return (violating, (ContinuousClock.now - start).seconds)
    }

    /// Produces `count` messages at `rate` per second in 1 ms ticks, never waiting for
    /// acknowledgements before the next tick; registers each violating message's send instant.
    func producePaced(
        count: Int, rate: Double, prefix: String, topic: String, producer: KafkaProducer, flags: FlagReader
    ) async throws -> (violating: Int, seconds: Double) {
        var traffic = LoadTraffic(
            seed: seed &+ 1, groups: groups, privateShare: privateShare, violationShare: violationShare,
            paddingBytes: paddingBytes)
        let start = ContinuousClock.now
        let acknowledged = ProgressCounter(target: count)
        let failures = ProgressCounter(target: .max)
        var violating = 0
        var sent = 0
        var tick = 0
        while sent < count {
            tick += 1
            try await Task.sleep(until: start + .milliseconds(tick), clock: .continuous)
            let due = min(count, Int(rate * Double(tick) / 1000))
            let sendInstant = ContinuousClock.now
            for number in sent..<due {
                let message = traffic.next(id: "\(prefix)-\(number)", sentAt: Date())
                if message.violates {
                    violating += 1
                    flags.expect(messageID: message.id, sentAt: sendInstant)
                }
                Task {
                    do {
                        _ = try await producer.send(topic: topic, key: message.key, value: message.json)
                    } catch { failures.increment() }
                    acknowledged.increment()
                }
            }
            sent = max(sent, due)
        }
        _ = await acknowledged.waitForTarget()
        let failed = failures.count
        if failed > 0 { print("paced_send_failures=\(failed)") }
        return (violating, (ContinuousClock.now - start).seconds)
    }
}

/// Routes handled-record counts to the current phase's `ProgressCounter`.
/// Also keeps the phase's handler times (the pool's processing timer, one value per record) in a
/// fixed-size histogram, so a long run's own bookkeeping does not grow the process.
final class PhaseProgress: Sendable {
    private let current = Mutex<ProgressCounter?>(nil)
    private let handlerTimes = Mutex(LogHistogram())
    /// Input records' age when their handling started, per minute of the phase.
    private let ages = Mutex((start: ContinuousClock.now, minutes: [LogHistogram]()))

    func startPhase(target: Int) -> ProgressCounter {
        let counter = ProgressCounter(target: target)
        current.withLock { $0 = counter }
        handlerTimes.withLock { $0 = LogHistogram() }
        fetchAges.withLock { $0 = LogHistogram() }
        ages.withLock { $0 = (ContinuousClock.now, []) }
        return counter
    }

    func aged(nanoseconds: Int64) {
        ages.withLock { ages in
            let minute = Int((ContinuousClock.now - ages.start) / .seconds(60))
            while ages.minutes.count <= minute { ages.minutes.append(LogHistogram()) }
            ages.minutes[minute].record(nanoseconds)
        }
    }

    /// `record_age_ms p50=… p99=…` (produce to start of handling) for each minute of the phase.
    func agesByMinute() -> [String] {
        ages.withLock { $0.minutes }.map { $0.millisecondsLine("record_age_ms") }
    }

    /// Input records' age when the poll thread took them, over the phase.
    private let fetchAges = Mutex(LogHistogram())

    func fetched(nanoseconds: Int64) {
        fetchAges.withLock { $0.record(nanoseconds) }
    }

    /// `fetch_age_ms p50=… p99=…` (produce to the poll thread) over the current phase.
    func fetchAgeLine() -> String {
        fetchAges.withLock { $0 }.millisecondsLine("fetch_age_ms")
    }

    func handled(nanoseconds: Int64) {
        handlerTimes.withLock { $0.record(nanoseconds) }
    }

    /// `handler_ms p50=… p99=… max=…` over the current phase's records.
    func handlerTimeLine() -> String {
        let histogram = handlerTimes.withLock { $0 }
        guard histogram.count > 0 else { return "handler_ms none" }
        return histogram.millisecondsLine("handler_ms")
    }

    func add(_ amount: Int) {
        current.withLock { $0 }?.increment(by: amount)
    }

    /// The pool's last reported in-flight count (admitted, not finished), for a run that stalls.
    private let inFlight = Atomic<Int64>(-1)

    func inFlight(_ value: Int64) { inFlight.store(value, ordering: .relaxed) }

    var lastInFlight: Int64 { inFlight.load(ordering: .relaxed) }
}

/// Counts of non-negative values in buckets 2% wide (log scale): percentiles within 2%, in
/// constant memory.
struct LogHistogram: Sendable {
    /// `NAME p50=… p90=… p99=… max=…` in milliseconds (values recorded in nanoseconds).
    func millisecondsLine(_ name: String) -> String {
        func ms(_ p: Double) -> String { fmt(Double(percentile(p)) / 1e6) }
        return "\(name) p50=\(ms(0.5)) p90=\(ms(0.9)) p99=\(ms(0.99)) max=\(fmt(Double(max) / 1e6))"
    }

    private static let growth = 1.02
    private var buckets = [Int](repeating: 0, count: 1400)
    private(set) var count = 0
    private(set) var max: Int64 = 0

    mutating func record(_ value: Int64) {
        let index = value <= 1 ? 0 : Swift.min(buckets.count - 1, Int(log(Double(value)) / log(Self.growth)))
        buckets[index] += 1
        count += 1
        max = Swift.max(max, value)
    }

    /// The upper bound of the bucket holding the `p` quantile.
    func percentile(_ p: Double) -> Int64 {
        let rank = Swift.max(1, Int((Double(count) * p).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in buckets.enumerated() {
            seen += bucketCount
            if seen >= rank { return Swift.min(max, Int64(pow(Self.growth, Double(index + 1)))) }
        }
        return max
    }
}
