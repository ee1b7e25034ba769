import Escalation
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Testing

@testable import Warden

/// Two GroupWarden workers in one consumer group over one ledger: deadlines fire once while both
/// run, and when one stops mid-stream the other takes over its partitions and its deadlines.
@Suite(.serialized) struct WorkerTakeoverEndToEndTests {
    /// One worker with its own service group, so a test can stop it alone.
    struct Worker {
        let group: ServiceGroup
        let task: Task<Void, any Error>

        static func start(_ h: EndToEndHarness, id: String) async throws -> Worker {
            var config = h.config
            config.workerID = id
            config.roles = [.classify, .actions, .scheduler]
            let app = try await WardenApplication.build(
                config: config, registry: PrometheusCollectorRegistry(), logger: h.logger,
                now: { [time = h.time] in time.now })
            let group = ServiceGroup(
                configuration: .init(services: app.services.map { .init(service: $0) }, logger: h.logger))
            return Worker(group: group, task: Task { try await group.run() })
        }

        func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
    }

    static let texts = ["今晚来网赌，稳赢", "加v信，刷单返利", "同城约炮加我", "来 赌.博 吧"]

    func send(_ h: EndToEndHarness, batch: String, count: Int) async throws -> Set<String> {
        var flags: Set<String> = []
        for index in 0..<count {
            let id = "\(batch)-\(index)"
            try await h.sendMessage(
                id: id, group: "g-\(index % 6)", sender: "u-\(index)", owner: "owner-\(index % 6)",
                text: Self.texts[index % Self.texts.count])
            flags.insert(FlagID.forMessage(id))
        }
        return flags
    }

    static func raised(_ outputs: [EndToEndHarness.Output]) -> Set<String> {
        Set(outputs.filter { $0.type == "flag.raised" }.compactMap { $0.data["flag_id"] })
    }

    static func ownerTimeouts(_ outputs: [EndToEndHarness.Output]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for output in outputs where output.type == "flag.escalated" && output.data["reason"] == "owner_timeout" {
            counts[output.data["flag_id"] ?? "?", default: 0] += 1
        }
        return counts
    }

    @Test func theSurvivorTakesOverWhenOneOfTwoWorkersStopsMidStreamAndNoFlagEscalatesTwice() async throws {
        let harness = try await EndToEndHarness()
        try harness.startReader()
        let first = try await Worker.start(harness, id: "w1")
        let second = try await Worker.start(harness, id: "w2")

        let batchA = try await send(harness, batch: "a", count: 12)
        _ = try await harness.waitFor("batch A flagged") { batchA.isSubset(of: Self.raised($0)) }
        harness.time.advance(25 * 3600)
        _ = try await harness.waitFor("batch A owner timeouts") { outputs in
            batchA.isSubset(of: Set(Self.ownerTimeouts(outputs).keys))
        }

        await first.stop()
        let batchB = try await send(harness, batch: "b", count: 12)
        _ = try await harness.waitFor("batch B flagged by the survivor") { batchB.isSubset(of: Self.raised($0)) }
        harness.time.advance(25 * 3600)
        let seen = try await harness.waitFor("batch B owner timeouts") { outputs in
            batchB.isSubset(of: Set(Self.ownerTimeouts(outputs).keys))
        }

        let timeouts = Self.ownerTimeouts(seen)
        #expect(Set(timeouts.keys) == batchA.union(batchB))
        #expect(timeouts.values.allSatisfy { $0 == 1 }, "no flag escalated twice: \(timeouts.filter { $0.value > 1 })")
        #expect(Self.raised(seen) == batchA.union(batchB))
        #expect(!seen.contains { $0.topic == harness.config.topics.dlq })
        await second.stop()
        await harness.stop()
    }
}
