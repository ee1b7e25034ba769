/// The settings of the responsibility chain. All durations are configurable.
public struct EscalationPolicy: Sendable, Hashable {
    /// How long an owner has to act, by severity.
    public var ownerDeadlines: [Severity: Duration]
    /// How long the provider has after an escalation.
    public var providerDeadline: Duration
    /// Categories that skip the owner.
    public var severeCategories: Set<String>
    /// Categories escalated to the authorities when the provider's deadline passes.
    public var reportableCategories: Set<String>

    public init(
        ownerDeadlines: [Severity: Duration] = [
            .low: .seconds(24 * 3600), .medium: .seconds(6 * 3600), .high: .seconds(3600), .critical: .seconds(15 * 60),
        ],
        providerDeadline: Duration = .seconds(24 * 3600),
        severeCategories: Set<String> = ["violence_terror"],
        reportableCategories: Set<String> = ["violence_terror", "obscene"]
    ) {
        self.ownerDeadlines = ownerDeadlines
        self.providerDeadline = providerDeadline
        self.severeCategories = severeCategories
        self.reportableCategories = reportableCategories
    }

    func ownerDeadline(for severity: Severity) -> Duration {
        ownerDeadlines[severity] ?? .seconds(3600)
    }
}
