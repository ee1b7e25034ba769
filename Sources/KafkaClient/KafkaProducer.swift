import CRdKafka
import Foundation
import Logging
import Metrics
import Synchronization

/// A producer over one `rd_kafka_t`, idempotent by default (`enable.idempotence=true`), with a
/// dedicated thread polling it for delivery reports. `send` completes when the report arrives.
///
/// The handle is destroyed in `deinit`, after the poll thread has stopped. A pending `send`
/// keeps the producer alive, so no delivery is abandoned by `deinit`; call `flush` before
/// dropping a producer that may still have records in flight from other owners.
public final class KafkaProducer: Sendable {
    let handle: RdKafkaHandle
    private let pollThread: ProducerPollThread
    private let logger: Logger

    /// The defaults applied under the caller's properties.
    public static let defaultProperties: [String: String] = ["enable.idempotence": "true"]

    /// Creates the producer and starts its poll thread. Throws a `KafkaError` naming any property
    /// librdkafka rejects.
    ///
    /// With `statistics.interval.ms` set, librdkafka's statistics feed `KafkaStatisticsMetrics`
    /// gauges through `metricsFactory` (nil: the global `MetricsSystem`).
    public init(
        configuration: KafkaConfiguration, logger: Logger, metricsFactory: (any MetricsFactory)? = nil
    ) throws {
        let configuration = configuration.withDefaults(Self.defaultProperties)
        let context = RdKafkaCallbackContext(
            logger: logger, statistics: KafkaStatisticsMetrics(factory: metricsFactory))
        self.handle = try RdKafkaHandle(type: RD_KAFKA_PRODUCER, configuration: configuration, context: context) {
            rd_kafka_conf_set_dr_msg_cb($0, rdKafkaDeliveryCallback)
        }
        self.logger = logger
        self.pollThread = ProducerPollThread(handle: handle)
    }

    deinit {
        pollThread.stopAndWait()
    }

    /// Enqueues one record and returns its partition and offset once the broker acknowledged it.
    /// `partition` nil lets the partitioner choose (by key hash). Throws a `KafkaError` when the
    /// record cannot be enqueued or its delivery fails (`isRetriable` says whether to try again).
    public func send(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = []
    ) async throws -> (partition: Int32, offset: Int64) {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try enqueue(topic: topic, partition: partition, key: key, value: value, headers: headers) {
                    continuation.resume(with: $0)
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Enqueues one record before returning, so records enqueued one after another keep their
    /// order within a partition, and calls `delivered` on the poll thread with the broker's
    /// acknowledgement or the delivery error. Throws (and never calls `delivered`) when
    /// librdkafka does not take the record. The producer must outlive the delivery.
    public func enqueue(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        delivered: @escaping @Sendable (Result<(partition: Int32, offset: Int64), any Error>) -> Void
    ) throws(KafkaError) {
        let promise = Unmanaged.passRetained(DeliveryPromise(delivered)).toOpaque()
        do {
            try produce(topic: topic, partition: partition, key: key, value: value, headers: headers, opaque: promise)
        } catch {
            // librdkafka did not take the record: no delivery report will come.
            Unmanaged<DeliveryPromise>.fromOpaque(promise).release()
            throw error
        }
    }

    /// Waits (blocking) until every enqueued record is delivered or failed; throws a
    /// `_TIMED_OUT` `KafkaError` if some are still in flight after `timeout`.
    public func flush(timeout: Duration) throws {
        try handle.withPointer { (rk) throws(KafkaError) in
            try KafkaError.check(rd_kafka_flush(rk, timeout.milliseconds), "flush")
        }
    }

    /// Records enqueued or in flight, not yet reported (librdkafka's `rd_kafka_outq_len`).
    public var inFlightCount: Int {
        handle.withPointer { Int(rd_kafka_outq_len($0)) }
    }

    private func produce(
        topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader],
        opaque: UnsafeMutableRawPointer
    ) throws(KafkaError) {
        let cHeaders = RdKafkaHeaders.make(headers)
        var keyBytes = key.map(ContiguousArray.init)
        var valueBytes = value.map(ContiguousArray.init)
        let error = topic.withCString { cTopic in
            withBytes(&keyBytes) { keyPointer, keyCount in
                withBytes(&valueBytes) { valuePointer, valueCount in
                    var arguments: [rd_kafka_vu_t] = []
                    arguments.append(.with(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = cTopic })
                    if let partition { arguments.append(.with(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition }) }
                    if key != nil {
                        arguments.append(
                            .with(RD_KAFKA_VTYPE_KEY) { $0.u.mem = .init(ptr: keyPointer, size: keyCount) })
                    }
                    if value != nil {
                        arguments.append(
                            .with(RD_KAFKA_VTYPE_VALUE) { $0.u.mem = .init(ptr: valuePointer, size: valueCount) })
                    }
                    arguments.append(.with(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY })
                    if let cHeaders { arguments.append(.with(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = cHeaders }) }
                    arguments.append(.with(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque })
                    return handle.withPointer { rd_kafka_produceva($0, arguments, arguments.count) }
                }
            }
        }
        if let error {
            // On failure the headers stay ours to free.
            if let cHeaders { rd_kafka_headers_destroy(cHeaders) }
            throw KafkaError(consuming: error)
        }
    }
}

/// Gives `body` a pointer/count over optional bytes (a valid pointer even for an empty array).
private func withBytes<R>(
    _ bytes: inout ContiguousArray<UInt8>?, _ body: (UnsafeMutableRawPointer?, Int) -> R
) -> R {
    guard bytes != nil else { return body(nil, 0) }
    if bytes!.isEmpty {
        var zero: UInt8 = 0
        return withUnsafeMutablePointer(to: &zero) { body(UnsafeMutableRawPointer($0), 0) }
    }
    return bytes!.withUnsafeMutableBytes { body($0.baseAddress, $0.count) }
}

extension rd_kafka_vu_t {
    fileprivate static func with(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) -> rd_kafka_vu_t {
        var argument = rd_kafka_vu_t()
        argument.vtype = type
        fill(&argument)
        return argument
    }
}

/// Builds an `rd_kafka_headers_t`; the caller owns it until librdkafka accepts the record.
enum RdKafkaHeaders {
    static func make(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty else { return nil }
        let list = rd_kafka_headers_new(headers.count)!
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { bytes in
                    _ = rd_kafka_header_add(list, header.key, -1, bytes.baseAddress, bytes.count)
                }
            } else {
                _ = rd_kafka_header_add(list, header.key, -1, nil, 0)
            }
        }
        return list
    }
}

/// The completion of one enqueued record, carried through librdkafka as the message opaque
/// (retained once; the delivery callback takes the retain back).
private final class DeliveryPromise: Sendable {
    let delivered: @Sendable (Result<(partition: Int32, offset: Int64), any Error>) -> Void
    init(_ delivered: @escaping @Sendable (Result<(partition: Int32, offset: Int64), any Error>) -> Void) {
        self.delivered = delivered
    }
}

/// Served on the producer's poll thread, outside any lock.
private func rdKafkaDeliveryCallback(
    _ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let message, let promisePointer = message.pointee._private else { return }
    let promise = Unmanaged<DeliveryPromise>.fromOpaque(promisePointer).takeRetainedValue()
    let err = message.pointee.err
    if err == RD_KAFKA_RESP_ERR_NO_ERROR {
        promise.delivered(.success((message.pointee.partition, message.pointee.offset)))
    } else if let handle {
        let text = String(cString: rd_kafka_message_errstr(message))
        promise.delivered(.failure(KafkaError.resolvingFatal(err, handle: handle, message: text)))
    } else {
        promise.delivered(.failure(KafkaError(err)))
    }
}

/// The thread serving a producer's delivery reports, statistics and logs via `rd_kafka_poll`.
/// It holds the handle, not the producer, so the producer can be released and stop it.
private final class ProducerPollThread: Sendable {
    private let stopping = Atomic(false)
    private let stopped = DispatchSemaphore(value: 0)

    init(handle: RdKafkaHandle) {
        let thread = Thread { [self, handle] in
            Thread.current.name = "kafka-producer-poll"
            while !stopping.load(ordering: .acquiring) {
                _ = handle.withPointer { rd_kafka_poll($0, 100) }
            }
            stopped.signal()
        }
        thread.start()
    }

    /// Asks the thread to stop and waits for it (at most one poll interval).
    func stopAndWait() {
        stopping.store(true, ordering: .releasing)
        stopped.wait()
    }
}
