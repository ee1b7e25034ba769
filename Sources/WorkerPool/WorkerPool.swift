/// The `WorkerPool` module. See docs/ARCHITECTURE.md for what it owns.
public enum WorkerPoolModule {
    /// The module's name, for logs and diagnostics.
    public static let name = "WorkerPool"
}
