/// The `KafkaClient` module. See docs/ARCHITECTURE.md for what it owns.
public enum KafkaClientModule {
    /// The module's name, for logs and diagnostics.
    public static let name = "KafkaClient"
}
