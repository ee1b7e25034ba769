import Foundation

/// The log stream must never carry message content: scans every worker log for any text the
/// traffic sent.
struct LogPrivacyCheck {
    let paths: [String]
    let texts: [String]

    struct Result {
        var lines = 0
        var leaking = 0
        var passed: Bool { leaking == 0 && lines > 0 }
        var summary: String {
            "log privacy: \(lines) worker log lines, \(leaking) containing a message text"
                + (passed ? "" : lines == 0 ? " (no log lines: check failed)" : " (FAILED)")
        }
    }

    func run() -> Result {
        var result = Result()
        for path in paths {
            guard let content = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for line in content.split(separator: "\n") {
                result.lines += 1
                if texts.contains(where: { line.contains($0) }) { result.leaking += 1 }
            }
        }
        return result
    }
}
