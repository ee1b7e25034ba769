import Hummingbird
import Logging
import NIOCore
import Prometheus

/// Answers whether this worker can do its job: partitions assigned (for consuming roles) and
/// the ledger reachable.
public protocol ReadinessProbe: Sendable {
    func readiness() async -> Readiness
}

/// The outcome of a readiness check, with the reasons it is not ready.
public struct Readiness: Sendable, Equatable {
    public var isReady: Bool { problems.isEmpty }
    public var problems: [String]

    public init(problems: [String]) { self.problems = problems }
    public static let ready = Readiness(problems: [])
}

/// The admin HTTP endpoints, on their own port: `/metrics` (Prometheus text format),
/// `/healthz` (the process is alive) and `/readyz` (ready to take traffic).
public enum AdminServer {
    /// The router, shared by the live server and tests.
    public static func router(registry: PrometheusCollectorRegistry, probe: any ReadinessProbe) -> Router<
        BasicRequestContext
    > {
        let router = Router()
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ -> Response in
            let readiness = await probe.readiness()
            let body = readiness.isReady ? "ready\n" : "not ready: " + readiness.problems.joined(separator: "; ") + "\n"
            return Response(
                status: readiness.isReady ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/metrics") { _, _ -> Response in
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return router
    }

    /// The server as a ServiceLifecycle service.
    public static func application(
        host: String, port: Int, registry: PrometheusCollectorRegistry, probe: any ReadinessProbe, logger: Logger,
        onRunning: (@Sendable (Int) async -> Void)? = nil
    ) -> some ApplicationProtocol {
        Application(
            router: router(registry: registry, probe: probe),
            configuration: .init(address: .hostname(host, port: port), serverName: "groupwarden-admin"),
            onServerRunning: { channel in await onRunning?(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
