/// librdkafka properties, passed through verbatim ("bootstrap.servers", "security.protocol",
/// "sasl.*", "ssl.*", "statistics.interval.ms", ...). Nothing is validated here: librdkafka
/// validates every property when a client is created, and a bad one becomes a `KafkaError`
/// naming the key.
public struct KafkaConfiguration: Sendable, Hashable {
    /// Property name to value, exactly as librdkafka's CONFIGURATION.md spells them.
    public var properties: [String: String]

    public init(_ properties: [String: String] = [:]) {
        self.properties = properties
    }

    /// Convenience for the most common property.
    public init(bootstrapServers: String, _ properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    public subscript(key: String) -> String? {
        get { properties[key] }
        set { properties[key] = newValue }
    }

    /// These properties with `defaults` filled in where the caller set nothing.
    func withDefaults(_ defaults: [String: String]) -> KafkaConfiguration {
        KafkaConfiguration(properties.merging(defaults) { mine, _ in mine })
    }
}
