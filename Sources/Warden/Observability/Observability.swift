import Logging
import Metrics
import Prometheus

/// Process-wide logging and metrics set-up, done once by each long-running command.
public enum Observability {
    /// Sends logs to `sink` (JSON lines or text) at `level`, and metrics to a Prometheus registry,
    /// which it returns for `/metrics`.
    public static func bootstrap(level: String, format: String, sink: JSONLogHandler.Sink)
        -> PrometheusCollectorRegistry
    {
        let logLevel = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            JSONLogHandler(label: label, level: logLevel, sink: sink, textFormat: format == "text")
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
