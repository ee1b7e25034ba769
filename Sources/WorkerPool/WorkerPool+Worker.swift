import Foundation
import KafkaClient
import Logging
import Metrics

/// The worker tasks: take a ready record, handle it (retrying, or sending it to the DLQ), report
/// it finished and take the next one in the same critical section.
extension WorkerPool {
    typealias Job = PoolCore.Job

    /// Most jobs a worker takes under one lock. It takes a fair share of what is ready (ready
    /// divided by workers) up to this, so that a fast handler costs one lock round per batch,
    /// not per record, while slow handlers still spread over every worker.
    static var maxBatch: Int { 128 }

    /// How long a worker may hold taken jobs before reporting them finished, in nanoseconds.
    /// A record's key stays blocked until its job is reported, so a batch of slow jobs (ledger
    /// or network round trips) would serialise every key in it behind the whole batch: the
    /// batch is sized from the measured cost per job so that it fits this budget.
    static var batchBudgetNanoseconds: Double { 100_000 }

    func workerLoop(id: Int) async {
        var metrics = MetricsCache()
        var finished: [Job] = []
        var batch: [Job] = []
        finished.reserveCapacity(Self.maxBatch)
        batch.reserveCapacity(Self.maxBatch)
        let workers = configuration.maxConcurrency
        // Moving average of the time one job takes (each capped at the budget).
        var nanosecondsPerJob = 0.0
        while true {
            let affordable = Int(Self.batchBudgetNanoseconds / max(1, nanosecondsPerJob))
            let (exit, signalPollThread, helpers) = state.withLock {
                state -> (Bool, Bool, [CheckedContinuation<Void, Never>]) in
                for job in finished {
                    if let action = state.core.complete(job).action { state.pendingFlow.append(action) }
                }
                state.admitInbox(logger)
                // The poll thread waits for room or for a drain: wake it when this is it.
                let signal = state.pollThreadHasWork
                if signal { state.pollThreadWaiting = false }
                let share = max(1, min(Self.maxBatch, affordable, state.core.readyCount / workers))
                while batch.count < share, let job = state.core.nextJob() { batch.append(job) }
                // Wake idle workers for what is left ready (each will take a share).
                let wanted = min(state.idleWorkers.count, (state.core.readyCount + share - 1) / share)
                let helpers = Array(state.idleWorkers.suffix(wanted))
                state.idleWorkers.removeLast(wanted)
                return (batch.isEmpty && state.phase == .finished, signal, helpers)
            }
            for helper in helpers { helper.resume() }
            finished.removeAll(keepingCapacity: true)
            if signalPollThread { pollThreadSignal.signal() }
            if exit { return }
            if batch.isEmpty {
                await waitForWork()
                continue
            }
            for job in batch {
                let started = ContinuousClock.now
                if await process(job, metrics: &metrics) { finished.append(job) }
                let elapsed = ContinuousClock.now - started
                metrics.with(job.item.record.topic) { $0.latency.recordNanoseconds(elapsed.nanoseconds) }
                // Capped at the budget: a rare slow job (a ledger write among cached counts) must
                // not shrink the batches of the fast majority to one job each.
                let cost = min(Double(elapsed.nanoseconds), Self.batchBudgetNanoseconds)
                nanosecondsPerJob = nanosecondsPerJob == 0 ? cost : 0.95 * nanosecondsPerJob + 0.05 * cost
            }
            batch.removeAll(keepingCapacity: true)
        }
    }

    private func waitForWork() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.core.hasWork || state.phase == .finished { return true }
                state.idleWorkers.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Handles one record to completion: true when it is finished (handled, or acknowledged by the
    /// DLQ), false when abandoned (partition revoked or lost, or the pool cancelled).
    private func process(_ job: Job, metrics: inout MetricsCache) async -> Bool {
        let record = job.item.record
        if let timestamp = record.timestamp {
            let age = max(0, Date().timeIntervalSince(timestamp))
            metrics.with(record.topic) { $0.age.recordNanoseconds(Int64(age * 1e9)) }
        }
        let message: Handler.Message
        do {
            message = try handler.decode(record)
        } catch {
            let verdict = FailureVerdict(error)
            return await deadLetter(job, reason: "decode: \(verdict.reason)", kind: .decode, metrics: &metrics)
        }
        if handler.handleImmediately(message, record: record) {
            metrics.with(record.topic) { $0.handled.increment() }
            return true
        }
        var attempt = 1
        var previousDelay: Duration?
        while true {
            do {
                if let deadline = attemptDeadline {
                    let handler = self.handler
                    try await deadline.run { try await handler.handle(message, record: record) }
                } else {
                    try await handler.handle(message, record: record)
                }
                metrics.with(record.topic) { $0.handled.increment() }
                return true
            } catch {
                if Task.isCancelled || !isLive(job) { return false }
                let verdict = FailureVerdict(error)
                guard verdict.isRetriable else {
                    return await deadLetter(job, reason: verdict.reason, kind: .failed, metrics: &metrics)
                }
                var random = SystemRandomNumberGenerator()
                guard
                    let delay = configuration.retryPolicy.delay(
                        afterAttempt: attempt, previousDelay: previousDelay, using: &random)
                else {
                    return await deadLetter(
                        job, reason: "\(verdict.reason) (after \(attempt) attempts)", kind: .exhausted,
                        metrics: &metrics)
                }
                logger.info(
                    "record failed, retrying",
                    metadata: metadata(
                        record,
                        [
                            "attempt": "\(attempt)", "retry_in": "\(delay)", LogKey.error: "\(verdict.reason)",
                        ]))
                metrics.with(record.topic) { $0.retries.increment() }
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    return false
                }
                if !isLive(job) { return false }
                previousDelay = delay
                attempt += 1
            }
        }
    }

    /// Sends the record unchanged to the DLQ, retrying the send until it is acknowledged (true)
    /// or the record is abandoned (false).
    private func deadLetter(_ job: Job, reason: String, kind: DeadLetterKind, metrics: inout MetricsCache) async
        -> Bool
    {
        let record = job.item.record
        let headers = DeadLetter.headers(for: record, reason: reason)
        var backoff = configuration.deadLetterBackoff
        backoff.maxAttempts = Int.max
        var attempt = 1
        var previousDelay: Duration?
        while true {
            do {
                _ = try await deadLetters.send(
                    topic: configuration.deadLetterTopic, partition: nil, key: record.key, value: record.value,
                    headers: headers)
                logger.warning(
                    "record sent to the DLQ",
                    metadata: metadata(record, ["dlq.kind": "\(kind.rawValue)", LogKey.error: "\(reason)"]))
                metrics.with(record.topic) { topicMetrics in
                    topicMetrics.deadLettered.increment()
                    topicMetrics.deadLetterCounter(kind).increment()
                }
                return true
            } catch {
                if Task.isCancelled || !isLive(job) { return false }
                var random = SystemRandomNumberGenerator()
                let delay =
                    backoff.delay(afterAttempt: min(attempt, 64), previousDelay: previousDelay, using: &random)
                    ?? backoff.maxDelay
                logger.error(
                    "DLQ send failed, retrying",
                    metadata: metadata(
                        record, ["retry_in": "\(delay)", LogKey.error: "\(FailureVerdict(error).reason)"]))
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    return false
                }
                previousDelay = delay
                attempt += 1
            }
        }
    }

    private func isLive(_ job: Job) -> Bool {
        state.withLock { $0.core.isLive(job) }
    }

    private func metadata(_ record: KafkaRecord, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            LogKey.topic: "\(record.topic)", LogKey.partition: "\(record.partition)", LogKey.offset: "\(record.offset)",
        ]
        metadata.merge(extra) { _, new in new }
        return metadata
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }
}
