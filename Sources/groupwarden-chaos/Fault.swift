import Warden

/// What a chaos run does to the system, one at a time, every few seconds.
enum Fault: String, CaseIterable, Sendable, CustomStringConvertible {
    /// kill -9 a random worker, start a new one in its place a second later.
    case killWorker = "kill"
    /// Start an extra worker or stop (SIGTERM) one: a rebalance either way.
    case rebalance
    /// A rebalance storm: two workers join and, two seconds later, the two oldest leave
    /// (SIGTERM) while the newcomers are still joining.
    case storm
    /// Restart PostgreSQL with an immediate (crash) shutdown.
    case restartPostgres = "postgres"
    /// Mock cluster: a broker down for three seconds.
    case brokerDown = "broker-down"
    /// Mock cluster: retriable errors injected into produce, fetch, commit and heartbeat requests.
    case requestErrors = "request-errors"
    /// Tansu: kill -9 the broker and start it again on the same storage.
    case killBroker = "kill-broker"

    var description: String { rawValue }
}

extension SplitMix64 {
    /// One of `items`, uniformly.
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
