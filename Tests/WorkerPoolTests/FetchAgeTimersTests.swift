import Foundation
import KafkaClient
import MetricsTestKit
import Testing

@testable import WorkerPool

/// The poll thread's fetch age: each timestamped record's age at the batch's clock reading, on
/// its topic's timer; records without a timestamp are skipped, never counted as zero.
@Suite struct FetchAgeTimersTests {
    @Test func eachTimestampedRecordIsTimedOnItsTopic() throws {
        let metrics = TestMetrics()
        var timers = FetchAgeTimers(factory: metrics)
        let now = Date(timeIntervalSince1970: 1_795_338_000)
        func record(_ topic: String, ageMilliseconds: Double?) -> KafkaRecord {
            KafkaRecord(
                topic: topic, partition: 0, offset: 0, key: nil, value: nil,
                timestamp: ageMilliseconds.map { now.addingTimeInterval(-$0 / 1000) })
        }
        timers.record(
            [
                record("messages", ageMilliseconds: 12), record("messages", ageMilliseconds: nil),
                record("actions", ageMilliseconds: 3), record("messages", ageMilliseconds: 40),
                // A producer clock ahead of ours reads as age zero, not negative.
                record("actions", ageMilliseconds: -5),
            ], now: now)
        let messages = try metrics.expectTimer(WorkerPoolMetricName.fetchAge, [("topic", "messages")])
        let actions = try metrics.expectTimer(WorkerPoolMetricName.fetchAge, [("topic", "actions")])
        #expect(messages.values.map { ($0 + 500_000) / 1_000_000 } == [12, 40])
        #expect(actions.values.map { ($0 + 500_000) / 1_000_000 } == [3, 0])
    }
}
