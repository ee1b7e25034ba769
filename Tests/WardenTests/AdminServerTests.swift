import Hummingbird
import HummingbirdTesting
import Metrics
import Prometheus
import Synchronization
import Testing

@testable import Warden

@Suite struct AdminServerTests {
    final class SwitchableProbe: ReadinessProbe {
        let problems = Mutex<[String]>(["no partitions assigned"])
        func readiness() async -> Readiness { Readiness(problems: problems.withLock { $0 }) }
    }

    @Test func servesHealthReadinessAndMetrics() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        Counter(label: MetricName.flags, dimensions: [("category", "gambling")], factory: factory).increment(by: 3)
        let probe = SwitchableProbe()
        let app = Application(router: AdminServer.router(registry: registry, probe: probe))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("no partitions assigned"))
            }
            probe.problems.withLock { $0 = [] }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#"groupwarden_flags_total{category="gambling"} 3"#))
            }
        }
    }
}
