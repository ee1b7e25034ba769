import CoreMetrics
import Synchronization

/// A swift-metrics backend for benchmarks that watches counters with one label (each increment
/// is passed, with the counter's dimensions, to `observe`) and timers with another (each value
/// goes to `time`). Every other metric is discarded, so the backend costs next to nothing.
final class CountingMetricsFactory: MetricsFactory {
    private let label: String
    private let observe: @Sendable ([(String, String)], Int64) -> Void
    private let timerLabel: String
    private let time: @Sendable (Int64) -> Void

    init(
        watching label: String, observe: @escaping @Sendable ([(String, String)], Int64) -> Void,
        timing timerLabel: String, time: @escaping @Sendable (Int64) -> Void
    ) {
        self.label = label
        self.observe = observe
        self.timerLabel = timerLabel
        self.time = time
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard label == self.label else { return NOOPMetricsHandler.instance }
        return ObservedCounter(dimensions: dimensions, observe: observe)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard label == timerLabel else { return NOOPMetricsHandler.instance }
        return ObservedTimer(time: time)
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

private final class ObservedCounter: CounterHandler {
    let dimensions: [(String, String)]
    let observe: @Sendable ([(String, String)], Int64) -> Void

    init(dimensions: [(String, String)], observe: @escaping @Sendable ([(String, String)], Int64) -> Void) {
        self.dimensions = dimensions
        self.observe = observe
    }

    func increment(by amount: Int64) { observe(dimensions, amount) }
    func reset() {}
}

private final class ObservedTimer: TimerHandler {
    let time: @Sendable (Int64) -> Void

    init(time: @escaping @Sendable (Int64) -> Void) { self.time = time }

    func recordNanoseconds(_ duration: Int64) { time(duration) }
}
