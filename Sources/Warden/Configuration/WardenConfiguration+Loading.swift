import Foundation

extension WardenConfiguration {
    /// Reads and validates every catalog setting; cross-field checks come last.
    init(_ values: SettingValues) throws {
        workerID = values.optionalString("worker.id") ?? Self.defaultWorkerID()
        var roles = Set<Role>()
        for name in values.list("roles") {
            guard let role = Role(rawValue: name) else {
                throw ConfigurationError(
                    key: "roles", reason: "unknown role '\(name)'; expected classify, actions or scheduler")
            }
            roles.insert(role)
        }
        guard !roles.isEmpty else { throw ConfigurationError(key: "roles", reason: "at least one role is needed") }
        self.roles = roles

        var properties: [String: String] = [:]
        for pair in values.list("kafka.properties") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ConfigurationError(key: "kafka.properties", reason: "expected key=value, got '\(pair)'")
            }
            properties[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        kafka = Kafka(
            bootstrapServers: try values.string("kafka.bootstrap_servers"),
            groupID: try values.string("kafka.group_id"), properties: properties)
        topics = Topics(
            messages: try values.string("topics.messages"), actions: try values.string("topics.actions"),
            flags: try values.string("topics.flags"), notices: try values.string("topics.notices"),
            escalations: try values.string("topics.escalations"),
            groupAlerts: try values.string("topics.group_alerts"), dlq: try values.string("topics.dlq"))
        pool = Pool(
            maxInFlight: try values.integer("pool.max_in_flight"), maxAttempts: try values.integer("pool.max_attempts"),
            retryBase: try values.duration("pool.retry_base"), retryMax: try values.duration("pool.retry_max"),
            revokeTimeout: try values.duration("pool.revoke_timeout"),
            handlerTimeout: try values.duration("pool.handler_timeout"))
        let ledgerURL = try values.string("ledger.url")
        guard
            ledgerURL.hasPrefix("sqlite:") || ledgerURL.hasPrefix("postgres://") || ledgerURL.hasPrefix("postgresql://")
        else {
            throw ConfigurationError(
                key: "ledger.url", reason: "expected sqlite://PATH or postgres://USER:PASS@HOST:PORT/DB")
        }
        ledger = LedgerSettings(
            url: ledgerURL, retention: try values.duration("ledger.retention"),
            relayGrace: try values.duration("ledger.relay_grace"))
        scheduler = Scheduler(
            pollInterval: try values.duration("scheduler.poll_interval"), lease: try values.duration("scheduler.lease"),
            batchSize: try values.integer("scheduler.batch_size"))
        var owner: [String: Duration] = [:]
        for severity in ["low", "medium", "high", "critical"] {
            owner[severity] = try values.duration("deadlines.owner.\(severity)")
        }
        chain = Chain(
            ownerDeadlines: owner, providerDeadline: try values.duration("deadlines.provider"),
            severeCategories: values.list("escalation.severe_categories"),
            reportableCategories: values.list("escalation.reportable_categories"))
        groupAlert = GroupAlert(
            minMembers: try values.integer("group_alert.min_members"),
            flaggedShare: try values.fraction("group_alert.flagged_share"),
            minFlagged: try values.integer("group_alert.min_flagged"), window: try values.duration("group_alert.window")
        )
        classification = Classification(
            rulePacks: values.list("classification.rule_packs"), hashBanks: values.list("classification.hash_banks"),
            domainBlocklists: values.list("classification.domain_blocklist"),
            maxTextBytes: try values.integer("classification.max_text_bytes"))
        actionSigningKey = values.optionalString("actions.signing_key")
        eventSource = try values.string("events.source")
        admin = Admin(host: try values.string("admin.host"), port: try values.integer("admin.port"))
        log = Log(level: try values.choice("log.level"), format: try values.choice("log.format"))

        for severity in ["low", "medium", "high"] {
            let next = ["low": "medium", "medium": "high", "high": "critical"][severity]!
            if owner[severity]! < owner[next]! {
                throw ConfigurationError(
                    key: "deadlines.owner.\(severity)",
                    reason: "shorter than deadlines.owner.\(next); more severe flags must not wait longer")
            }
        }
    }

    static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
