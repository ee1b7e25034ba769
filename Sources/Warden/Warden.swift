/// The `Warden` module. See docs/ARCHITECTURE.md for what it owns.
public enum WardenModule {
    /// The module's name, for logs and diagnostics.
    public static let name = "Warden"
    /// The release this build belongs to (`groupwarden --version`).
    public static let version = "0.1.0"
}
