import Foundation

/// Reads the workers' JSON logs for the dead letters they sent and the broker acknowledged
/// ("record sent to the DLQ" is logged after the acknowledgement): the source records'
/// "partition:offset" in `topic` refused for `reason`.
struct DeadLetterLogScan {
    let paths: [String]
    let topic: String
    let reason: String

    func acknowledged() -> Set<String> {
        var found = Set<String>()
        for path in paths {
            guard let content = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for line in content.split(separator: "\n") where line.contains("record sent to the DLQ") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["kafka.topic"] as? String == topic,
                    (object["error"] as? String)?.contains(reason) == true,
                    let partition = object["kafka.partition"] as? String,
                    let offset = object["kafka.offset"] as? String
                else { continue }
                found.insert("\(partition):\(offset)")
            }
        }
        return found
    }
}
