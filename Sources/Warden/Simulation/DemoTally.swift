import Foundation

/// What the simulated platform saw come back: counts by event type, category, level and reason,
/// and the flag ids seen, to check every expected flag was raised exactly once.
public struct DemoTally: Sendable {
    public var messagesSent = 0
    public var privateSent = 0
    public var expectedFlags: Set<String> = []
    public var flagsRaised: [String: Int] = [:]
    public var byCategory: [String: Int] = [:]
    public var notices = 0
    public var actionsSent = 0
    public var resolutions: [String: Int] = [:]
    public var escalations: [String: Int] = [:]
    public var alerts: [String: Int] = [:]
    public var deadLetters = 0
    public var eventIDs: Set<String> = []
    public var duplicateEvents = 0

    public init() {}

    /// Counts one output event (CloudEvents JSON).
    public mutating func count(event bytes: [UInt8]) -> (type: String, data: [String: Any])? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let type = object["type"] as? String, let id = object["id"] as? String,
            let data = object["data"] as? [String: Any]
        else { return nil }
        guard eventIDs.insert(id).inserted else {
            duplicateEvents += 1
            return nil
        }
        switch type {
        case "flag.raised":
            if let flag = data["flag_id"] as? String { flagsRaised[flag, default: 0] += 1 }
            for category in (data["categories"] as? [[String: Any]]) ?? [] {
                byCategory[(category["category"] as? String) ?? "?", default: 0] += 1
            }
        case "owner.notified": notices += 1
        case "flag.resolved": resolutions[(data["resolved_by"] as? String) ?? "?", default: 0] += 1
        case "flag.escalated":
            escalations["\(data["level"] as? String ?? "?")/\(data["reason"] as? String ?? "?")", default: 0] += 1
        case "group.alert":
            alerts["\(data["group_id"] as? String ?? "?") \(data["reason"] as? String ?? "?")", default: 0] += 1
        default: break
        }
        return (type, data)
    }

    /// Expected flags never raised, and raised flags nobody expected (false positives).
    public var missing: Set<String> { expectedFlags.subtracting(flagsRaised.keys) }
    public var unexpected: Set<String> { Set(flagsRaised.keys).subtracting(expectedFlags) }
    public var raisedTwice: Int { flagsRaised.values.filter { $0 > 1 }.count }

    public func progressLine(elapsed: Double) -> String {
        let escalated = escalations.values.reduce(0, +)
        return String(
            format:
                "[%5.1fs] sent %d (private %d) | flags %d | notices %d | actions %d | resolved %d | escalated %d | alerts %d | dlq %d",
            elapsed, messagesSent, privateSent, flagsRaised.count, notices, actionsSent,
            resolutions.values.reduce(0, +),
            escalated, alerts.count, deadLetters)
    }

    public func summary() -> String {
        var out = "\n== GroupWarden demo summary ==\n"
        func section(_ title: String, _ values: [String: Int]) {
            out += "\(title):\n"
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                out += "  \(key.padding(toLength: 42, withPad: " ", startingAt: 0)) \(value)\n"
            }
        }
        out += "messages sent            \(messagesSent) (private, never inspected: \(privateSent))\n"
        out +=
            "flags raised             \(flagsRaised.count) (expected \(expectedFlags.count), missing \(missing.count), "
        out += "unexpected \(unexpected.count), raised twice \(raisedTwice))\n"
        out += "owner notices            \(notices)\nowner/admin actions sent \(actionsSent)\n"
        out += "duplicate event ids      \(duplicateEvents)\ndead letters             \(deadLetters)\n"
        section("flags by category", byCategory)
        section("resolutions by actor", resolutions)
        section("escalations (level/reason)", escalations)
        section("group alerts", alerts)
        return out
    }
}
