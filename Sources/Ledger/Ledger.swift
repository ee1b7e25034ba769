/// The `Ledger` module. See docs/ARCHITECTURE.md for what it owns.
public enum LedgerModule {
    /// The module's name, for logs and diagnostics.
    public static let name = "Ledger"
}
