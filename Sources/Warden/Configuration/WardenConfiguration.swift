/// The validated configuration of one GroupWarden process.
///
/// Built only by ``ConfigurationLoader``, so every value here has passed its setting's checks.
public struct WardenConfiguration: Sendable, Equatable {
    /// The roles a process can run; any subset can share a process.
    public enum Role: String, Sendable, CaseIterable {
        case classify, actions, scheduler
    }

    public struct Kafka: Sendable, Equatable {
        public var bootstrapServers: String
        public var groupID: String
        /// librdkafka properties passed through verbatim.
        public var properties: [String: String]
    }

    public struct Topics: Sendable, Equatable {
        public var messages, actions, flags, notices, escalations, groupAlerts, dlq: String

        public init(
            messages: String, actions: String, flags: String, notices: String, escalations: String,
            groupAlerts: String, dlq: String
        ) {
            self.messages = messages
            self.actions = actions
            self.flags = flags
            self.notices = notices
            self.escalations = escalations
            self.groupAlerts = groupAlerts
            self.dlq = dlq
        }
    }

    public struct Pool: Sendable, Equatable {
        public var maxInFlight: Int
        public var maxAttempts: Int
        public var retryBase: Duration
        public var retryMax: Duration
        public var revokeTimeout: Duration
        public var handlerTimeout: Duration
    }

    public struct LedgerSettings: Sendable, Equatable {
        public var url: String
        public var retention: Duration
        /// How old an unpublished outbox event must be before any worker's relay sends it.
        public var relayGrace: Duration
    }

    public struct Scheduler: Sendable, Equatable {
        public var pollInterval: Duration
        public var lease: Duration
        public var batchSize: Int
    }

    public struct Chain: Sendable, Equatable {
        /// Owner deadlines by severity name: low, medium, high, critical.
        public var ownerDeadlines: [String: Duration]
        public var providerDeadline: Duration
        public var severeCategories: [String]
        public var reportableCategories: [String]
    }

    public struct GroupAlert: Sendable, Equatable {
        public var minMembers: Int
        public var flaggedShare: Double
        public var minFlagged: Int
        public var window: Duration
    }

    public struct Classification: Sendable, Equatable {
        public var rulePacks: [String]
        public var hashBanks: [String]
        public var domainBlocklists: [String]
        public var maxTextBytes: Int
    }

    public struct Admin: Sendable, Equatable {
        public var host: String
        /// 0 disables the admin server.
        public var port: Int
    }

    public struct Log: Sendable, Equatable {
        public var level: String
        public var format: String
    }

    public var workerID: String
    public var roles: Set<Role>
    public var kafka: Kafka
    public var topics: Topics
    public var pool: Pool
    public var ledger: LedgerSettings
    public var scheduler: Scheduler
    public var chain: Chain
    public var groupAlert: GroupAlert
    public var classification: Classification
    /// HMAC key for moderation actions; `nil` disables signature checks.
    public var actionSigningKey: String?
    public var eventSource: String
    public var admin: Admin
    public var log: Log
}
