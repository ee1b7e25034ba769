import Dispatch
import Foundation
import KafkaClient
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Consumes Kafka records and runs a `RecordHandler` on them: concurrently across keys, strictly
/// in order within a key, with a bound on records held, retries, a DLQ, and offsets committed
/// only below records that are finished.
///
/// A ServiceLifecycle `Service`: `run()` subscribes, polls on a dedicated thread (never the
/// cooperative pool) and handles records on `maxConcurrency` worker tasks until a graceful
/// shutdown, which stops fetching, lets running records finish (up to `shutdownTimeout`),
/// stores and commits the watermarks, closes the consumer (leaving the group) and flushes the
/// DLQ producer. Cancelling `run()` instead abandons running records (they are redelivered) and
/// commits only what finished.
///
/// Guarantees: at-least-once; a record's offset is committed only once it and every record
/// before it in its partition are handled or acknowledged by the DLQ; kept partitions are never
/// reprocessed on a cooperative rebalance; duplicates after a crash or abandoned revocation are
/// bounded by the records held (`maxInFlight`) plus what finished since the last commit.
public final class WorkerPool<Handler: RecordHandler>: Service, PartitionOwnershipListener, Sendable {
    let configuration: WorkerPoolConfiguration
    let handler: Handler
    let source: any RecordSource
    let deadLetters: any DeadLetterSink
    let logger: Logger
    let clock: any Clock<Duration>
    /// Times handler attempts out when `configuration.handlerTimeout` is set.
    let attemptDeadline: AttemptDeadline?
    let state: Mutex<SharedState>
    /// Wakes the poll thread when it waits for capacity or for running records to finish.
    let pollThreadSignal = DispatchSemaphore(value: 0)
    let inFlightGauge = Gauge(label: WorkerPoolMetricName.inFlight)
    /// When the poll thread last stored offsets (touched by the poll thread only).
    let lastStore = PollThreadBox(ContinuousClock.now)
    let fetchAges = PollThreadBox(FetchAgeTimers())

    /// Thrown by `run()` when called a second time.
    public struct AlreadyStarted: Error, Sendable {}

    enum Phase: Sendable, Equatable {
        case idle, running
        case stopping(abandon: Bool)
        case finished
    }

    struct SharedState: Sendable {
        var core: PoolCore
        var phase: Phase = .idle
        var idleWorkers: [CheckedContinuation<Void, Never>] = []
        var pendingFlow: [PoolCore.FlowAction] = []
        /// Set by the poll thread before it waits; a worker that finishes a record clears it and
        /// signals, once the poll thread has something to do (see `pollThreadHasWork`).
        var pollThreadWaiting = false
        /// While waiting for room: the room (records it may poll) worth waking it for. Zero while
        /// it waits for a condition (a drain at revocation or shutdown): every finish wakes it.
        var pollThreadRoomWanted = 0
        /// Times partitions were lost (session expired): their records may be redelivered.
        var lostEvents = 0
        /// Revocations whose commit the broker refused (e.g. a rebalance in progress): records
        /// finished since the last commit of those partitions are redelivered to their next owner.
        var refusedRevocationCommits = 0
    }

    /// A pool over a `KafkaConsumer` (created with a `group.id`; the pool subscribes it and owns
    /// it from `run()` on) and a producer for the DLQ.
    public convenience init(
        consumer: KafkaConsumer, deadLetterProducer: some DeadLetterSink, handler: Handler,
        configuration: WorkerPoolConfiguration, logger: Logger, clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.init(
            source: consumer, deadLetters: deadLetterProducer, handler: handler, configuration: configuration,
            logger: logger, clock: clock)
    }

    init(
        source: any RecordSource, deadLetters: any DeadLetterSink, handler: Handler,
        configuration: WorkerPoolConfiguration, logger: Logger, clock: any Clock<Duration>
    ) {
        self.source = source
        self.deadLetters = deadLetters
        self.handler = handler
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.attemptDeadline = configuration.handlerTimeout.map(AttemptDeadline.init(timeout:))
        self.state = Mutex(
            SharedState(core: PoolCore(maxInFlight: configuration.maxInFlight, resumeAt: configuration.resumeAt)))
    }

    /// Runs until a graceful shutdown (drain, commit, close) or cancellation (abandon, commit what
    /// finished, close). Throws a fatal consumer error, or `AlreadyStarted`.
    public func run() async throws {
        let started = state.withLock { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .running
            return true
        }
        guard started else { throw AlreadyStarted() }
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await runWorkersAndPollThread()
            } onCancel: {
                self.requestStop(abandon: true)
            }
        } onGracefulShutdown: {
            self.requestStop(abandon: false)
        }
    }

    /// The partitions the pool currently owns (for readiness checks and tests).
    public var ownedPartitions: Set<TopicPartition> {
        state.withLock { $0.core.ownedPartitions }
    }

    /// Times partitions were lost (not revoked) since the pool started: after a loss, records
    /// finished since the last commit are redelivered (at-least-once).
    var lostEvents: Int {
        state.withLock { $0.lostEvents }
    }

    /// Revocations whose commit failed since the pool started: the next owner of those
    /// partitions starts from their last commit (at-least-once).
    var refusedRevocationCommits: Int {
        state.withLock { $0.refusedRevocationCommits }
    }

    /// Records admitted and not finished.
    public var inFlight: Int {
        state.withLock { $0.core.inFlight }
    }

    /// Asks the pool to stop: `abandon` false drains running records first. Idempotent; an
    /// abandoning request overrides a draining one.
    func requestStop(abandon: Bool) {
        state.withLock { state in
            switch state.phase {
            case .idle, .running: state.phase = .stopping(abandon: abandon)
            case .stopping(let abandoning): state.phase = .stopping(abandon: abandoning || abandon)
            case .finished: break
            }
        }
        pollThreadSignal.signal()
    }

    private func runWorkersAndPollThread() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<configuration.maxConcurrency {
                group.addTask { await self.workerLoop(id: worker) }
            }
            if let deadline = attemptDeadline {
                group.addTask { await deadline.run(clock: self.clock) }
            }
            let outcome: Result<Void, any Error> = await withCheckedContinuation { continuation in
                let thread = Thread { continuation.resume(returning: self.pollThreadMain()) }
                thread.name = "worker-pool-poll"
                thread.start()
            }
            // Idle workers have exited; any still inside an abandoned handler are told to give up.
            group.cancelAll()
            try await group.waitForAll()
            try outcome.get()
        }
    }
}

/// A value only the poll thread reads and writes.
final class PollThreadBox<Value>: @unchecked Sendable {
    // Safety: confined to the pool's poll thread.
    var value: Value
    init(_ value: Value) { self.value = value }
}
