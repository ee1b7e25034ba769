import CRdKafka
import Logging

/// Owns one `rd_kafka_t` and its callback context; destroys the handle in `deinit`, before the
/// context it points to is released. The pointer never escapes except through `withPointer`.
final class RdKafkaHandle: @unchecked Sendable {
    // Safety: librdkafka handles are thread-safe; the pointer is immutable and freed only in deinit.
    private let pointer: OpaquePointer
    /// The Swift side of every C callback of this handle; outlives `pointer`.
    let context: RdKafkaCallbackContext

    /// Creates a client of `type` from `configuration` (applied in key order), wiring the log,
    /// statistics and any `extraCallbacks` the caller installs on the raw `rd_kafka_conf_t`.
    init(
        type: rd_kafka_type_t, configuration: KafkaConfiguration, context: RdKafkaCallbackContext,
        extraCallbacks: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) {
        let conf = try RdKafkaHandle.makeConf(configuration)
        context.install(on: conf, statistics: configuration["statistics.interval.ms"].map { $0 != "0" } ?? false)
        extraCallbacks(conf)
        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            let message = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(RD_KAFKA_RESP_ERR__INVALID_ARG, message: "cannot create client: \(message)")
        }
        self.pointer = handle
        self.context = context
    }

    deinit {
        rd_kafka_destroy(pointer)
    }

    /// Runs `body` with the live handle; the pointer must not be kept beyond the call.
    func withPointer<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try body(pointer)
    }

    /// The client's name as librdkafka reports it (e.g. `rdkafka#consumer-1`), for logs.
    var name: String { String(cString: rd_kafka_name(pointer)) }

    private static func makeConf(_ configuration: KafkaConfiguration) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in configuration.properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let message = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                throw KafkaError.configuration(property: key, message: message)
            }
        }
        return conf
    }
}
