/// The `Classification` module. See docs/ARCHITECTURE.md for what it owns.
public enum ClassificationModule {
    /// The module's name, for logs and diagnostics.
    public static let name = "Classification"
}
