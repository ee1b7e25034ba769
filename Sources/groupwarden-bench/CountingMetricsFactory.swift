import CoreMetrics
import Synchronization

/// A swift-metrics backend for benchmarks that watches counters with one label (each increment
/// is passed, with the counter's dimensions, to `observe`) and timers with the labels in
/// `timers` (each value goes to that label's closure, with the timer's dimensions), and gauges or
/// recorders with the labels in `recorders` likewise. Every other metric is discarded, so the
/// backend costs next to nothing.
final class CountingMetricsFactory: MetricsFactory {
    typealias Observer = @Sendable ([(String, String)], Int64) -> Void
    private let label: String
    private let observe: Observer
    private let timers: [String: Observer]
    private let recorders: [String: Observer]

    init(
        watching label: String, observe: @escaping Observer, timers: [String: Observer],
        recorders: [String: Observer] = [:]
    ) {
        self.label = label
        self.observe = observe
        self.timers = timers
        self.recorders = recorders
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard label == self.label else { return NOOPMetricsHandler.instance }
        return ObservedCounter(dimensions: dimensions, observe: observe)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard let record = recorders[label] else { return NOOPMetricsHandler.instance }
        return ObservedRecorder(dimensions: dimensions, record: record)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let time = timers[label] else { return NOOPMetricsHandler.instance }
        return ObservedTimer(dimensions: dimensions, time: time)
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
    let dimensions: [(String, String)]
    let time: CountingMetricsFactory.Observer

    init(dimensions: [(String, String)], time: @escaping CountingMetricsFactory.Observer) {
        self.dimensions = dimensions
        self.time = time
    }

    func recordNanoseconds(_ duration: Int64) { time(dimensions, duration) }
}

private final class ObservedRecorder: RecorderHandler {
    let dimensions: [(String, String)]
    let record: CountingMetricsFactory.Observer

    init(dimensions: [(String, String)], record: @escaping CountingMetricsFactory.Observer) {
        self.dimensions = dimensions
        self.record = record
    }

    func record(_ value: Int64) { record(dimensions, value) }
    func record(_ value: Double) { record(dimensions, Int64(value)) }
}
