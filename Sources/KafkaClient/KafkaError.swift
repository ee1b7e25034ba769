import CRdKafka

/// An error from librdkafka or from this module's use of it.
///
/// `code` is librdkafka's `rd_kafka_resp_err_t` (negative values are client-side errors,
/// positive ones come from a broker); `name` is `rd_kafka_err2name(code)`.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int32
    public var name: String
    public var message: String
    /// True when repeating the same operation may succeed (timeouts, leader moves, broker down).
    public var isRetriable: Bool
    /// True when the client instance can no longer be used (e.g. idempotent producer fenced).
    public var isFatal: Bool
    /// The configuration property at fault, for configuration errors.
    public var property: String?

    public init(
        code: Int32, name: String, message: String, isRetriable: Bool = false, isFatal: Bool = false,
        property: String? = nil
    ) {
        self.code = code
        self.name = name
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
        self.property = property
    }

    public var description: String { "KafkaError(\(name) \(code)): \(message)" }

    /// The error for a librdkafka response code, with librdkafka's own description unless `message` is given.
    init(_ err: rd_kafka_resp_err_t, message: String? = nil, isFatal: Bool = false) {
        self.init(
            code: err.rawValue, name: String(cString: rd_kafka_err2name(err)),
            message: message ?? String(cString: rd_kafka_err2str(err)),
            isRetriable: KafkaError.retriableCodes.contains(err.rawValue),
            isFatal: isFatal || err == RD_KAFKA_RESP_ERR__FATAL)
    }

    /// Takes over an `rd_kafka_error_t`, reading its flags, and destroys it.
    init(consuming error: OpaquePointer) {
        let err = rd_kafka_error_code(error)
        self.init(
            code: err.rawValue, name: String(cString: rd_kafka_error_name(error)),
            message: String(cString: rd_kafka_error_string(error)),
            isRetriable: rd_kafka_error_is_retriable(error) != 0
                || KafkaError.retriableCodes.contains(err.rawValue),
            isFatal: rd_kafka_error_is_fatal(error) != 0)
        rd_kafka_error_destroy(error)
    }

    /// A configuration error naming the property, with librdkafka's explanation.
    static func configuration(property: String, message: String) -> KafkaError {
        var error = KafkaError(RD_KAFKA_RESP_ERR__INVALID_ARG, message: "property '\(property)': \(message)")
        error.property = property
        return error
    }

    /// For `RD_KAFKA_RESP_ERR__FATAL` the underlying fatal error of `handle`, otherwise `err` itself.
    static func resolvingFatal(_ err: rd_kafka_resp_err_t, handle: OpaquePointer, message: String? = nil) -> KafkaError
    {
        // A client that raised a fatal error (e.g. an idempotent producer whose broker lost
        // acknowledged records) fails everything afterwards with ordinary codes: ask the handle.
        var buffer = [CChar](repeating: 0, count: 512)
        let fatal = rd_kafka_fatal_error(handle, &buffer, buffer.count)
        guard err == RD_KAFKA_RESP_ERR__FATAL || fatal != RD_KAFKA_RESP_ERR_NO_ERROR else {
            return KafkaError(err, message: message)
        }
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return KafkaError(fatal == RD_KAFKA_RESP_ERR_NO_ERROR ? err : fatal, message: text, isFatal: true)
    }

    /// Codes librdkafka or the broker use for conditions that pass (used where librdkafka hands
    /// us a bare code without an `rd_kafka_error_t` retriable flag, e.g. delivery reports).
    static let retriableCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT,
        RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__WAIT_COORD,
        RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE, RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__NODE_UPDATE,
        RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
        RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR, RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND,
        RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH, RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH,
        RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_PREFERRED_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
    ].reduce(into: Set<Int32>()) { $0.insert($1.rawValue) }
}

extension KafkaError {
    /// Throws unless `err` is `RD_KAFKA_RESP_ERR_NO_ERROR`.
    static func check(_ err: rd_kafka_resp_err_t, _ what: @autoclosure () -> String) throws(KafkaError) {
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        throw KafkaError(err, message: "\(what()): \(String(cString: rd_kafka_err2str(err)))")
    }

    /// Throws the taken-over `rd_kafka_error_t` when one is returned.
    static func check(_ error: OpaquePointer?) throws(KafkaError) {
        guard let error else { return }
        throw KafkaError(consuming: error)
    }
}
