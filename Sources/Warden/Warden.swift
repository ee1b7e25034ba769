/// The `Warden` module. See docs/ARCHITECTURE.md for what it owns.
public enum WardenModule {
    /// The module's name, for logs and diagnostics.
    public static let name = "Warden"
}
