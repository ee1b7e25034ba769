import Escalation
import WorkerPool

extension WardenConfiguration {
    /// The responsibility chain's settings.
    public var escalationPolicy: EscalationPolicy {
        var deadlines: [Severity: Duration] = [:]
        for severity in Severity.allCases { deadlines[severity] = chain.ownerDeadlines[severity.rawValue] }
        return EscalationPolicy(
            ownerDeadlines: deadlines, providerDeadline: chain.providerDeadline,
            severeCategories: Set(chain.severeCategories), reportableCategories: Set(chain.reportableCategories))
    }

    /// The group-alert settings.
    public var groupAlertPolicy: GroupAlertPolicy {
        GroupAlertPolicy(
            minMembers: groupAlert.minMembers, flaggedShare: groupAlert.flaggedShare, minFlagged: groupAlert.minFlagged,
            window: groupAlert.window)
    }

    /// A worker pool over one input topic.
    public func poolConfiguration(topic: String) -> WorkerPoolConfiguration {
        WorkerPoolConfiguration(
            topics: [topic], deadLetterTopic: topics.dlq, maxInFlight: pool.maxInFlight,
            retryPolicy: RetryPolicy(maxAttempts: pool.maxAttempts, baseDelay: pool.retryBase, maxDelay: pool.retryMax),
            revokeTimeout: pool.revokeTimeout, handlerTimeout: pool.handlerTimeout)
    }
}
