import Escalation
import Foundation
import KafkaClient
import Logging
import Synchronization

/// Reads the flags topic from the start on its own thread, counting `flag.raised` events and
/// timing those whose message send instant was registered with `expect`.
final class FlagReader: Sendable {
    private struct State {
        var raised = 0
        var sentAt: [String: ContinuousClock.Instant] = [:]
        var latencies: [Duration] = []
        /// Each latency with its message's send instant, for latency over time.
        var timed: [(sent: ContinuousClock.Instant, latency: Duration)] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let executor = BlockingExecutor(name: "bench-flag-reader")
    private let consumer: KafkaConsumer

    init(bootstrap: String, topic: String, logger: Logger) throws {
        consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(
                bootstrapServers: bootstrap,
                [
                    "group.id": "bench-flags-\(UUID().uuidString)", "session.timeout.ms": "6000",
                    "heartbeat.interval.ms": "1000", "fetch.wait.max.ms": "2", "auto.offset.reset": "earliest",
                ]),
            logger: logger)
        try consumer.subscribe(topics: [topic], listener: nil)
        Task { try await executor.run { try self.readUntilStopped() } }
    }

    private func readUntilStopped() throws {
        while !state.withLock({ $0.stopped }) {
            let records = try consumer.poll(maxRecords: 1000, timeout: .milliseconds(20))
            let arrival = ContinuousClock.now
            let raised = records.compactMap { Self.raisedMessageID($0.value ?? []) }
            guard !raised.isEmpty else { continue }
            state.withLock { state in
                state.raised += raised.count
                for messageID in raised {
                    if let sent = state.sentAt.removeValue(forKey: messageID) {
                        state.latencies.append(arrival - sent)
                        state.timed.append((sent, arrival - sent))
                    }
                }
            }
        }
        try consumer.close()
    }

    /// Registers the send instant of a message that must be flagged.
    func expect(messageID: String, sentAt: ContinuousClock.Instant) {
        state.withLock { $0.sentAt[messageID] = sentAt }
    }

    /// Waits until `count` flags were raised (or `timeout`); returns how many were.
    func waitForRaised(_ count: Int, timeout: Duration) async throws -> Int {
        try await waitUntil(timeout: timeout) { $0.raised >= count }
        return state.withLock { $0.raised }
    }

    /// Waits until `count` timed flags arrived (or `timeout`); returns the latencies seen.
    func waitForLatencies(_ count: Int, timeout: Duration) async throws -> [Duration] {
        try await waitUntil(timeout: timeout) { $0.latencies.count >= count }
        return state.withLock { $0.latencies }
    }

    /// The latencies of messages sent in each `window` from `start` on, window by window.
    func latencyWindows(from start: ContinuousClock.Instant, every window: Duration) -> [[Duration]] {
        let timed = state.withLock { $0.timed }
        var windows: [[Duration]] = []
        for sample in timed {
            let index = max(0, Int((sample.sent - start) / window))
            while windows.count <= index { windows.append([]) }
            windows[index].append(sample.latency)
        }
        return windows
    }

    func stop() {
        state.withLock { $0.stopped = true }
        executor.shutdown()
    }

    private func waitUntil(timeout: Duration, _ condition: (State) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ condition($0) }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The `message_id` of a `flag.raised` CloudEvent, nil for any other record.
    private static func raisedMessageID(_ bytes: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            object["type"] as? String == "flag.raised", let data = object["data"] as? [String: Any]
        else { return nil }
        return data["message_id"] as? String
    }
}
