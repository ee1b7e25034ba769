/// How a `WorkerPool` consumes and handles records. Every field has a working default except
/// the topics.
public struct WorkerPoolConfiguration: Sendable, Hashable {
    /// Topics to subscribe to.
    public var topics: [String]
    /// Where records that cannot be handled go (contract default `moderation.dlq`).
    public var deadLetterTopic: String
    /// Records held (queued behind their key or running) at which every partition is paused.
    public var maxInFlight: Int
    /// Held records at or below which paused partitions resume; default half of `maxInFlight`.
    public var resumeAt: Int?
    /// Handler calls running at once (worker tasks).
    public var maxConcurrency: Int
    /// Records taken from the consumer per poll at most.
    public var pollBatchSize: Int
    /// Longest a single poll waits for records (also bounds how late a stop is noticed).
    public var pollTimeout: Duration
    /// Retries of a retriable handler failure before the record goes to the DLQ.
    public var retryPolicy: RetryPolicy
    /// Backoff between attempts to send a record to the DLQ (retried until acknowledged, the
    /// partition is revoked, or the pool stops; `maxAttempts` is ignored).
    public var deadLetterBackoff: RetryPolicy
    /// How long a revoked partition's running records may finish before they are abandoned
    /// (they are then redelivered to the partition's next owner).
    public var revokeTimeout: Duration
    /// Longest one handler attempt may run before it counts as a retriable failure
    /// (`HandlerTimedOut`) and the record is retried (checked four times per timeout, so an
    /// attempt ends between one and one and a quarter timeouts); nil: no limit.
    public var handlerTimeout: Duration?
    /// How long a graceful shutdown waits for running records before abandoning them.
    public var shutdownTimeout: Duration
    /// How long shutdown waits for the DLQ producer to deliver.
    public var flushTimeout: Duration

    public init(
        topics: [String], deadLetterTopic: String = "moderation.dlq", maxInFlight: Int = 1024, resumeAt: Int? = nil,
        maxConcurrency: Int = 64, pollBatchSize: Int = 500, pollTimeout: Duration = .milliseconds(100),
        retryPolicy: RetryPolicy = RetryPolicy(),
        deadLetterBackoff: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(5)),
        revokeTimeout: Duration = .seconds(10), handlerTimeout: Duration? = nil,
        shutdownTimeout: Duration = .seconds(30),
        flushTimeout: Duration = .seconds(10)
    ) {
        self.topics = topics
        self.deadLetterTopic = deadLetterTopic
        self.maxInFlight = max(1, maxInFlight)
        self.resumeAt = resumeAt
        self.maxConcurrency = max(1, maxConcurrency)
        self.pollBatchSize = max(1, pollBatchSize)
        self.pollTimeout = pollTimeout
        self.retryPolicy = retryPolicy
        self.deadLetterBackoff = deadLetterBackoff
        self.revokeTimeout = revokeTimeout
        self.handlerTimeout = handlerTimeout
        self.shutdownTimeout = shutdownTimeout
        self.flushTimeout = flushTimeout
    }
}
