import Escalation
import Foundation

/// An owner's diligence record for one group: each flag, when the owner was told, what was
/// done and how fast. The owner's evidence that they acted in time (or the record that they
/// did not).
public struct DiligenceReport: Sendable, Codable, Hashable {
    public struct Row: Sendable, Codable, Hashable {
        public var flagID: String
        public var categories: [String]
        public var severity: Severity
        public var raisedAt: Date
        public var ownerNotifiedAt: Date?
        public var ownerDeadline: Date?
        public var status: FlagStatus
        public var resolvedBy: ActorRole?
        public var action: ActionKind?
        public var secondsToAction: Int?
        /// `in_time`, `late`, `not_acted`, `not_owner` (went straight to the provider), `pending`.
        public var verdict: String
    }

    public var groupID: String
    public var rows: [Row]

    public init(groupID: String, flags: [Flag]) {
        self.groupID = groupID
        rows = flags.map { flag in
            let notice = flag.history.first { $0.kind == .ownerNotified }
            let verdict: String
            switch flag.status {
            case .awaitingOwner: verdict = "pending"
            case _ where notice == nil: verdict = "not_owner"
            case .resolved where flag.resolution?.by != .provider: verdict = "in_time"
            default:
                verdict =
                    flag.history.contains { $0.kind == .actionRecorded && $0.actorRole != .provider }
                    ? "late" : "not_acted"
            }
            return Row(
                flagID: flag.flagID, categories: flag.categories.map(\.category), severity: flag.severity,
                raisedAt: flag.raisedAt, ownerNotifiedAt: notice?.at, ownerDeadline: notice?.deadline,
                status: flag.status,
                resolvedBy: flag.resolution?.by, action: flag.resolution?.action,
                secondsToAction: flag.resolution?.timeToActionSeconds, verdict: verdict)
        }
    }

    /// Share of owner-routed, decided flags the owner handled in time.
    public var inTimeShare: Double {
        let decided = rows.filter { ["in_time", "late", "not_acted"].contains($0.verdict) }
        guard !decided.isEmpty else { return 1 }
        return Double(decided.filter { $0.verdict == "in_time" }.count) / Double(decided.count)
    }

    public func table() -> String {
        let header = [
            "flag", "categories", "severity", "raised", "notified", "status", "by", "action", "secs", "verdict",
        ]
        let lines = rows.map { row in
            [
                row.flagID, row.categories.joined(separator: ","), row.severity.rawValue, Self.time(row.raisedAt),
                row.ownerNotifiedAt.map(Self.time) ?? "-", row.status.rawValue, row.resolvedBy?.rawValue ?? "-",
                row.action?.rawValue ?? "-", row.secondsToAction.map(String.init) ?? "-", row.verdict,
            ]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        var out = "Diligence record of group \(groupID): \(rows.count) flags, "
        out += "\(Int((inTimeShare * 100).rounded()))% of the owner's decided flags handled in time\n"
        out +=
            render(header) + "\n"
            + ([render(header.map { String(repeating: "-", count: $0.count) })] + lines.map(render))
            .joined(separator: "\n")
        return out + "\n"
    }

    public func csv() -> String {
        var out =
            "flag_id,categories,severity,raised_at,owner_notified_at,owner_deadline,status,resolved_by,action,seconds_to_action,verdict\n"
        for row in rows {
            let cells = [
                row.flagID, row.categories.joined(separator: ";"), row.severity.rawValue, Self.time(row.raisedAt),
                row.ownerNotifiedAt.map(Self.time) ?? "", row.ownerDeadline.map(Self.time) ?? "", row.status.rawValue,
                row.resolvedBy?.rawValue ?? "", row.action?.rawValue ?? "", row.secondsToAction.map(String.init) ?? "",
                row.verdict,
            ]
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    static func time(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
