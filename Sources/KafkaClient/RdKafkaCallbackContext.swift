import CRdKafka
import Logging
import Synchronization

/// The Swift state librdkafka's C callbacks reach through the handle's opaque pointer.
/// Lives exactly as long as its `RdKafkaHandle`, which destroys the C handle first.
final class RdKafkaCallbackContext: Sendable {
    let logger: Logger
    let statistics: KafkaStatisticsMetrics
    /// The consumer-side rebalance state; unused by producers and admin clients.
    let rebalance = Mutex(RebalanceState())

    struct RebalanceState {
        var listener: (any KafkaRebalanceListener)?
        weak var consumer: KafkaConsumer?
        /// Whether the group has delivered an assignment (possibly empty) yet.
        var assignedOnce = false
    }

    init(logger: Logger, statistics: KafkaStatisticsMetrics = KafkaStatisticsMetrics()) {
        self.logger = logger
        self.statistics = statistics
    }

    /// Points `conf`'s opaque at this context and installs the log callback, and the statistics
    /// callback when `statistics` is set. The context must outlive the handle made from `conf`.
    func install(on conf: OpaquePointer, statistics: Bool) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        if statistics { rd_kafka_conf_set_stats_cb(conf, rdKafkaStatisticsCallback) }
    }

    /// Recovers the context from a handle's opaque pointer.
    static func from(_ opaque: UnsafeMutableRawPointer?) -> RdKafkaCallbackContext? {
        opaque.map { Unmanaged<RdKafkaCallbackContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// librdkafka log lines go to swift-log with syslog levels mapped. Called from librdkafka's own
/// threads; the text is librdkafka's diagnostic, never record content.
private func rdKafkaLogCallback(
    _ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ buffer: UnsafePointer<CChar>?
) {
    guard let handle, let context = RdKafkaCallbackContext.from(rd_kafka_opaque(handle)) else { return }
    let message = buffer.map { String(cString: $0) } ?? ""
    let facilityName = facility.map { String(cString: $0) } ?? ""
    context.logger.log(
        level: Logger.Level(syslogLevel: level), "\(message)",
        metadata: ["kafka.facility": "\(facilityName)", "kafka.client": "\(String(cString: rd_kafka_name(handle)))"])
}

/// librdkafka statistics JSON (every `statistics.interval.ms`) becomes swift-metrics gauges.
/// Returning 0 lets librdkafka free the JSON buffer.
private func rdKafkaStatisticsCallback(
    _ handle: OpaquePointer?, _ json: UnsafeMutablePointer<CChar>?, _ length: Int, _ opaque: UnsafeMutableRawPointer?
) -> Int32 {
    guard let json, let context = RdKafkaCallbackContext.from(opaque) else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: json, count: length)
    do {
        context.statistics.record(try KafkaStatistics(json: Array(bytes)))
    } catch {
        context.logger.debug("cannot parse librdkafka statistics", metadata: ["error": "\(error)"])
    }
    return 0
}

extension Logger.Level {
    /// librdkafka uses syslog levels: 0-2 emergency..critical, 3 error, 4 warning, 5 notice, 6 info, 7 debug.
    init(syslogLevel: Int32) {
        switch syslogLevel {
        case ...2: self = .critical
        case 3: self = .error
        case 4: self = .warning
        case 5: self = .notice
        case 6: self = .info
        default: self = .debug
        }
    }
}
