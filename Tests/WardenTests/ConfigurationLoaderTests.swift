import Foundation
import Testing

@testable import Warden

@Suite struct ConfigurationLoaderTests {
    private func writeYAML(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsAloneGiveAWorkingConfiguration() async throws {
        let config = try await ConfigurationLoader().load()
        #expect(config.kafka.bootstrapServers == "127.0.0.1:9092")
        #expect(config.topics.messages == "chat.group.messages")
        #expect(config.topics.groupAlerts == "moderation.group-alerts")
        #expect(config.roles == Set(WardenConfiguration.Role.allCases))
        #expect(config.chain.ownerDeadlines["critical"] == .seconds(15 * 60))
        #expect(config.ledger.retention == .seconds(180 * 86_400))
        #expect(config.actionSigningKey == nil)
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheFile() async throws {
        let path = try writeYAML(
            """
            kafka:
              bootstrap_servers: file:9092
              group_id: from-file
            pool:
              max_in_flight: 77
            """)
        let config = try await ConfigurationLoader(
            yamlPath: path,
            environment: ["GROUPWARDEN_KAFKA_BOOTSTRAP_SERVERS": "env:9092", "GROUPWARDEN_POOL_MAX_IN_FLIGHT": "88"],
            overrides: ["pool.max_in_flight": "99"]
        ).load()
        #expect(config.kafka.bootstrapServers == "env:9092")
        #expect(config.kafka.groupID == "from-file")
        #expect(config.pool.maxInFlight == 99)
    }

    @Test func listsComeFromYAMLSequencesOrCommaSeparatedText() async throws {
        let path = try writeYAML(
            """
            roles: [classify, scheduler]
            kafka:
              properties:
                - security.protocol=SASL_SSL
                - sasl.mechanism=PLAIN
            """)
        let fromFile = try await ConfigurationLoader(yamlPath: path).load()
        #expect(fromFile.roles == [.classify, .scheduler])
        #expect(fromFile.kafka.properties == ["security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN"])
        let fromEnv = try await ConfigurationLoader(environment: ["GROUPWARDEN_ROLES": "actions"]).load()
        #expect(fromEnv.roles == [.actions])
    }

    @Test func unknownYAMLKeyIsReportedWithItsLine() async throws {
        let path = try writeYAML(
            """
            kafka:
              bootstrap_servers: a:1
              grup_id: typo
            """)
        let error = await #expect(throws: ConfigurationError.self) {
            try await ConfigurationLoader(yamlPath: path).load()
        }
        #expect(error?.key == "kafka.grup_id")
        #expect(error?.location == "\(path):3")
    }

    @Test func unknownEnvironmentVariableAndFlagAreRefused() async throws {
        let env = await #expect(throws: ConfigurationError.self) {
            try await ConfigurationLoader(environment: ["GROUPWARDEN_KAFKA_BOOTSTRAP": "x"]).load()
        }
        #expect(env?.key == "GROUPWARDEN_KAFKA_BOOTSTRAP")
        let flag = await #expect(throws: ConfigurationError.self) {
            try await ConfigurationLoader(overrides: ["ledger.path": "x"]).load()
        }
        #expect(flag?.key == "ledger.path")
    }

    @Test(arguments: [
        ("pool.max_in_flight", "lots", "expected an integer"),
        ("pool.max_in_flight", "0", "outside"),
        ("deadlines.owner.high", "soon", "expected a positive duration"),
        ("group_alert.flagged_share", "1.5", "between 0 and 1"),
        ("log.format", "xml", "expected one of"),
        ("ledger.url", "mysql://x", "expected sqlite"),
        ("roles", "classify,cook", "unknown role"),
        ("kafka.properties", "novalue", "expected key=value"),
        ("deadlines.owner.low", "1m", "more severe flags must not wait longer"),
    ])
    func invalidValueNamesKeyAndReason(key: String, value: String, reason: String) async throws {
        let error = await #expect(throws: ConfigurationError.self) {
            try await ConfigurationLoader(overrides: [key: value]).load()
        }
        #expect(error?.key == key)
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "no error")")
    }

    @Test func everySettingHasADistinctEnvironmentName() {
        let names = ConfigSetting.catalog.map(\.environmentName)
        #expect(Set(names).count == names.count)
        #expect(ConfigSetting.byKey["topics.group_alerts"]?.environmentName == "GROUPWARDEN_TOPICS_GROUP_ALERTS")
    }

    @Test func durationsParseAndPrintInCompactUnits() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("15m") == .seconds(900))
        #expect(DurationText.parse("7d") == .seconds(604_800))
        #expect(DurationText.parse("1.5h") == .seconds(5400))
        #expect(DurationText.parse("fast") == nil)
        #expect(DurationText.parse("-1s") == nil)
        #expect(DurationText.format(.seconds(900)) == "15m")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
    }
}

@Suite struct ConfigurationReferenceTests {
    /// docs/CONFIGURATION.md must be exactly what `groupwarden config docs` prints.
    @Test func checkedInReferenceMatchesTheCatalog() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let onDisk = try String(contentsOf: repo.appendingPathComponent("docs/CONFIGURATION.md"), encoding: .utf8)
        #expect(
            onDisk == ConfigSetting.markdownReference(),
            "run: swift run groupwarden config docs > docs/CONFIGURATION.md")
    }
}
