/// The `Escalation` module. See docs/ARCHITECTURE.md for what it owns.
public enum EscalationModule {
    /// The module's name, for logs and diagnostics.
    public static let name = "Escalation"
}
