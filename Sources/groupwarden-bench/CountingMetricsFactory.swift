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
        return ObservedValues(dimensions: dimensions, observe: observe)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard let record = recorders[label] else { return NOOPMetricsHandler.instance }
        return ObservedValues(dimensions: dimensions, observe: record)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let time = timers[label] else { return NOOPMetricsHandler.instance }
        return ObservedValues(dimensions: dimensions, observe: time)
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// A counter's increments, a timer's durations, or a gauge's or recorder's values, passed on as
/// they come.
private final class ObservedValues: CounterHandler, TimerHandler, RecorderHandler {
    let dimensions: [(String, String)]
    let observe: CountingMetricsFactory.Observer

    init(dimensions: [(String, String)], observe: @escaping CountingMetricsFactory.Observer) {
        self.dimensions = dimensions
        self.observe = observe
    }

    func increment(by amount: Int64) { observe(dimensions, amount) }
    func reset() {}
    func recordNanoseconds(_ duration: Int64) { observe(dimensions, duration) }
    func record(_ value: Int64) { observe(dimensions, value) }
    func record(_ value: Double) { observe(dimensions, Int64(value)) }
}
