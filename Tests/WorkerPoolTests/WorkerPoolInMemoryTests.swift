import KafkaClient
import Logging
import Testing

@testable import WorkerPool

/// The pool against an in-memory source: ordering, back-pressure, failures, rebalances and
/// shutdown, deterministic and fast.
@Suite struct WorkerPoolInMemoryTests {
    private let p0 = TopicPartition(topic: "in", partition: 0)
    private let p1 = TopicPartition(topic: "in", partition: 1)

    private func makePool(
        _ source: InMemorySource, _ deadLetters: InMemoryDeadLetters = InMemoryDeadLetters(),
        configure: (inout WorkerPoolConfiguration) -> Void = { _ in },
        handle: @escaping @Sendable (KafkaRecord) async throws -> Void
    ) -> WorkerPool<ClosureRecordHandler> {
        var configuration = WorkerPoolConfiguration(topics: ["in"], deadLetterTopic: "dlq", maxConcurrency: 8)
        configuration.retryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), jitter: .none)
        configuration.deadLetterBackoff = RetryPolicy(baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        configuration.pollTimeout = .milliseconds(20)
        configure(&configuration)
        return WorkerPool(
            source: source, deadLetters: deadLetters, handler: ClosureRecordHandler(handle),
            configuration: configuration, logger: PoolTestSupport.logger, clock: ContinuousClock())
    }

    @Test func everyRecordIsHandledInKeyOrderAndCommittedOnGracefulShutdown() async throws {
        let source = InMemorySource()
        let keys = (0..<300).map { "k\($0 % 7)" }
        source.append(topic: "in", partition: 0, keys: keys)
        source.append(topic: "in", partition: 1, keys: keys.map { $0 == "k3" ? nil : $0 })
        let handled = Probe(Handled())
        let pool = makePool(source) { record in
            handled.update { $0.start(record) }
            for _ in 0..<Int(record.offset % 3) { await Task.yield() }
            handled.update { $0.finish(record) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0, p1]))
        try await handled.wait("600 records handled") { $0.count == 600 }
        try await running.shutDown()

        let result = handled.value
        #expect(!result.keyOverlap, "two records of one key ran at once")
        for partition: Int32 in [0, 1] {
            let byKey = Dictionary(grouping: result.records.filter { $0.partition == partition }) { $0.key ?? "-" }
            for (_, records) in byKey {
                #expect(records.map(\.offset) == records.map(\.offset).sorted(), "key order broken")
            }
        }
        #expect(result.maxRunning > 1, "different keys should run concurrently")
        #expect(source.observed.value.committed == [p0: 300, p1: 300])
        #expect(source.observed.value.closed)
    }

    @Test func differentKeysRunAtTheSameTime() async throws {
        let source = InMemorySource()
        source.append(topic: "in", partition: 0, keys: ["a", "b"])
        let handled = Probe(Handled())
        let pool = makePool(source) { record in
            handled.update { $0.start(record) }
            // Each handler finishes only once both are running: impossible if run one by one.
            try await handled.wait("both keys running") { $0.maxRunning == 2 }
            handled.update { $0.finish(record) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await handled.wait("both handled") { $0.count == 2 }
        try await running.shutDown()
        #expect(source.observed.value.committed == [p0: 2])
    }

    @Test func theInFlightBoundPausesPartitionsAndDrainingResumesThem() async throws {
        let source = InMemorySource()
        source.append(topic: "in", partition: 0, keys: (0..<20).map { "k\($0)" })
        let gate = Probe(false)
        let handled = Probe(Handled())
        let pool = makePool(
            source,
            configure: {
                $0.maxInFlight = 4
                $0.resumeAt = 1
            }
        ) { record in
            handled.update { $0.start(record) }
            try await gate.wait("gate open") { $0 }
            handled.update { $0.finish(record) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await source.observed.wait("partition paused") { $0.paused == [self.p0] }
        try await handled.wait("the bound's records started") { $0.started.count == 4 }
        #expect(handled.value.started.count == 4, "no record beyond the bound was taken")
        gate.update { $0 = true }
        try await handled.wait("all handled") { $0.count == 20 }
        #expect(source.observed.value.resumeCount >= 1)
        try await running.shutDown()
        #expect(source.observed.value.committed == [p0: 20])
    }

    @Test func failedRecordsGoToTheDeadLetterTopicAndThePartitionMovesOn() async throws {
        let source = InMemorySource()
        let values = ["ok", "poison", "flaky", "hopeless", "ok2"]
        source.append(topic: "in", partition: 0, keys: ["g", "g", "g", "g", "g"]) { Array(values[$0].utf8) }
        let deadLetters = InMemoryDeadLetters(failures: 2)
        let handled = Probe(Handled())
        let flakyTries = Probe(0)
        let pool = makePool(source, deadLetters) { record in
            handled.update { $0.start(record) }
            defer { handled.update { $0.finish(record, handled: false) } }
            switch record.valueText {
            case "poison":
                throw RecordFailure(code: "invalid_json", message: "unexpected end", isRetriable: false)
            case "flaky":
                if flakyTries.update({ tries -> Int in
                    tries += 1
                    return tries
                }) < 3 {
                    throw RecordFailure(code: "ledger_busy", message: "", isRetriable: true)
                }
            case "hopeless":
                throw RecordFailure(code: "ledger_down", message: "", isRetriable: true)
            default: break
            }
            handled.update { $0.records.append((record.partition, record.offset, record.valueText)) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await handled.wait("ok, flaky and ok2 handled") { $0.count == 3 }
        try await deadLetters.sent.wait("two DLQ records") { $0.count == 2 }
        try await running.shutDown()

        #expect(handled.value.records.map(\.key) == ["ok", "flaky", "ok2"])
        #expect(flakyTries.value == 3)
        let sent = deadLetters.sent.value
        #expect(sent.map(\.value) == [Array("poison".utf8), Array("hopeless".utf8)])
        #expect(sent.allSatisfy { $0.topic == "dlq" && $0.key == Array("g".utf8) })
        #expect(sent[0].header("x-warden-error") == "invalid_json: unexpected end")
        #expect(sent[1].header("x-warden-error") == "ledger_down (after 3 attempts)")
        #expect(sent[1].header("x-warden-source-topic") == "in")
        #expect(sent[1].header("x-warden-source-partition") == "0")
        #expect(sent[1].header("x-warden-source-offset") == "3")
        #expect(source.observed.value.committed == [p0: 5])
    }

    @Test func anUndecodableRecordGoesStraightToTheDeadLetterTopic() async throws {
        struct Decoder: RecordHandler {
            let handled: Probe<[String]>
            struct NotJSON: WorkerPoolFailure {
                var isRetriable: Bool { true }  // ignored: decoding is never retried
                var reason: String { "invalid_json" }
            }
            func decode(_ record: KafkaRecord) throws -> String {
                guard record.valueText.hasPrefix("{") else { throw NotJSON() }
                return record.valueText
            }
            func handle(_ message: String, record: KafkaRecord) async throws {
                handled.update { $0.append(message) }
            }
        }
        let source = InMemorySource()
        let values = ["{1}", "garbage", "{2}"]
        source.append(topic: "in", partition: 0, keys: ["g", "g", "g"]) { Array(values[$0].utf8) }
        let deadLetters = InMemoryDeadLetters()
        let handled = Probe([String]())
        let pool = WorkerPool(
            source: source, deadLetters: deadLetters, handler: Decoder(handled: handled),
            configuration: WorkerPoolConfiguration(topics: ["in"], deadLetterTopic: "dlq"),
            logger: PoolTestSupport.logger, clock: ContinuousClock())
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await handled.wait("two handled") { $0.count == 2 }
        try await deadLetters.sent.wait("one DLQ record") { $0.count == 1 }
        try await running.shutDown()
        #expect(handled.value == ["{1}", "{2}"])
        #expect(deadLetters.sent.value[0].header("x-warden-error") == "decode: invalid_json")
        #expect(source.observed.value.committed == [p0: 3])
    }

    @Test func recordsFinishedImmediatelySkipHandleAndKeepKeyOrder() async throws {
        /// Finishes values starting with "now" at once; leaves the others to `handle`.
        struct Immediate: RecordHandler {
            let finished: Probe<[String]>
            func decode(_ record: KafkaRecord) throws -> String { record.valueText }
            func handleImmediately(_ message: String, record: KafkaRecord) -> Bool {
                guard message.hasPrefix("now") else { return false }
                finished.update { $0.append(message) }
                return true
            }
            func handle(_ message: String, record: KafkaRecord) async throws {
                #expect(!message.hasPrefix("now"), "handle called for a record finished immediately")
                await Task.yield()
                finished.update { $0.append("handled " + message) }
            }
        }
        let source = InMemorySource()
        let values = ["now0", "later1", "now2", "now3", "later4", "now5"]
        source.append(topic: "in", partition: 0, keys: Array(repeating: "g", count: values.count)) {
            Array(values[$0].utf8)
        }
        let finished = Probe([String]())
        var configuration = WorkerPoolConfiguration(topics: ["in"], deadLetterTopic: "dlq")
        configuration.handlerTimeout = .seconds(30)
        let pool = WorkerPool(
            source: source, deadLetters: InMemoryDeadLetters(), handler: Immediate(finished: finished),
            configuration: configuration, logger: PoolTestSupport.logger, clock: ContinuousClock())
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await finished.wait("six finished") { $0.count == 6 }
        try await running.shutDown()
        #expect(finished.value == ["now0", "handled later1", "now2", "now3", "handled later4", "now5"])
        #expect(source.observed.value.committed == [p0: 6])
    }

    @Test func revocationWaitsForRunningRecordsCommitsAndLeavesKeptPartitionsAlone() async throws {
        let source = InMemorySource()
        source.append(topic: "in", partition: 0, keys: ["a", "a"])
        source.append(topic: "in", partition: 1, keys: ["c", "d", "e"])
        let gate = Probe(false)
        let handled = Probe(Handled())
        let pool = makePool(source) { record in
            handled.update { $0.start(record) }
            if record.partition == 0 { try await gate.wait("gate open") { $0 } }
            handled.update { $0.finish(record) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0, p1]))
        try await handled.wait("a0 running, p1 handled") { $0.started.contains(0) && $0.offsets(of: 1).count == 3 }
        source.rebalance(.revoke([p0]))
        // Open the gate only once the pool has stopped taking p0, so a1 is never started.
        let deadline = ContinuousClock.now + .seconds(10)
        while !pool.state.withLock({ $0.core.scheduler.isDraining(p0) }) {
            try #require(ContinuousClock.now < deadline, "the pool never began revoking p0")
            try await Task.sleep(for: .milliseconds(5))
        }
        // The revocation cannot complete while a0 runs.
        #expect(source.observed.value.rebalancesDone == 1)
        gate.update { $0 = true }
        try await source.observed.wait("revocation done") { $0.rebalancesDone == 2 }
        #expect(source.observed.value.committed[p0] == 1, "a0 finished: committed up to it")
        source.append(topic: "in", partition: 1, keys: ["f"])
        try await handled.wait("p1 goes on") { $0.offsets(of: 1).count == 4 }
        try await running.shutDown()
        let result = handled.value
        #expect(result.offsets(of: 0) == [0], "a1 queued behind a0 was left for the next owner")
        #expect(result.offsets(of: 1).sorted() == [0, 1, 2, 3], "the kept partition was not reprocessed")
        #expect(source.observed.value.committed == [p0: 1, p1: 4])
    }

    @Test func revocationAbandonsRecordsStillRunningAtTheTimeout() async throws {
        let source = InMemorySource()
        source.append(topic: "in", partition: 0, keys: ["a", "b"])
        let handled = Probe(Handled())
        let pool = makePool(source, configure: { $0.revokeTimeout = .milliseconds(100) }) { record in
            handled.update { $0.start(record) }
            if record.keyText == "a" { try await Probe(false).wait("never", timeout: .seconds(60)) { $0 } }
            handled.update { $0.finish(record) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await handled.wait("b handled, a stuck") { $0.count == 1 && $0.running == 1 }
        source.rebalance(.revoke([p0]))
        try await source.observed.wait("revocation done") { $0.rebalancesDone == 2 }
        #expect(source.observed.value.committed[p0] == 0, "nothing below the stuck record is committable")
        await running.cancel()
    }

    @Test func anAttemptPastTheHandlerTimeoutIsRetriedAndThePartitionMovesOn() async throws {
        let source = InMemorySource()
        source.append(topic: "in", partition: 0, keys: ["g", "g"])
        let attempts = Probe(0)
        let handled = Probe(Handled())
        // The first attempt hangs in a call that ignores cancellation, as a lost connection can.
        let stuck = Probe<CheckedContinuation<Void, Never>?>(nil)
        let pool = makePool(source, configure: { $0.handlerTimeout = .milliseconds(50) }) { record in
            let attempt = attempts.update { count -> Int in
                count += 1
                return count
            }
            if attempt == 1 {
                await withCheckedContinuation { continuation in stuck.update { $0 = continuation } }
            }
            handled.update { $0.records.append((record.partition, record.offset, record.valueText)) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await handled.wait("both records handled") { $0.records.count == 2 }
        try await running.shutDown()
        #expect(handled.value.records.map(\.offset) == [0, 1])
        #expect(attempts.value == 3, "the first record took two attempts, the second one")
        #expect(source.observed.value.committed == [p0: 2])
        stuck.value?.resume()
    }

    @Test func lostPartitionsAreDroppedWithoutCommitting() async throws {
        let source = InMemorySource()
        source.append(topic: "in", partition: 0, keys: ["a", "b", "c"])
        let handled = Probe(Handled())
        let pool = makePool(source) { record in
            handled.update { $0.start(record) }
            handled.update { $0.finish(record) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await handled.wait("handled") { $0.count == 3 }
        source.rebalance(.lose([p0]))
        try await source.observed.wait("loss served") { $0.rebalancesDone == 2 }
        try await running.shutDown()
        #expect(source.observed.value.committed[p0] == nil)
    }

    @Test func gracefulShutdownLetsRunningRecordsFinishBeforeCommitting() async throws {
        let source = InMemorySource()
        source.append(topic: "in", partition: 0, keys: ["a", "b"])
        let gate = Probe(false)
        let handled = Probe(Handled())
        let pool = makePool(source) { record in
            handled.update { $0.start(record) }
            if record.keyText == "b" { try await gate.wait("gate open") { $0 } }
            handled.update { $0.finish(record) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await handled.wait("a handled, b running") { $0.count == 1 && $0.running == 1 }
        await running.group.triggerGracefulShutdown()
        gate.update { $0 = true }
        try await running.task.value
        #expect(handled.value.count == 2)
        #expect(source.observed.value.committed == [p0: 2])
    }

    @Test func cancellationAbandonsRunningRecordsAndCommitsOnlyFinishedOnes() async throws {
        let source = InMemorySource()
        source.append(topic: "in", partition: 0, keys: ["a", "b", "c"])
        let handled = Probe(Handled())
        let pool = makePool(source) { record in
            handled.update { $0.start(record) }
            if record.keyText == "b" { try await Probe(false).wait("never", timeout: .seconds(60)) { $0 } }
            handled.update { $0.finish(record) }
        }
        let running = RunningPool(pool)
        source.rebalance(.assign([p0]))
        try await handled.wait("a and c handled, b running") { $0.count == 2 && $0.running == 1 }
        await running.cancel()
        #expect(source.observed.value.committed == [p0: 1], "b (offset 1) will be redelivered")
        #expect(source.observed.value.closed)
    }
}
