import Foundation
import Yams

/// Finds keys in a YAML configuration file that no setting declares, and reports the line.
enum YAMLKeyCheck {
    static func check(path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                key: path, reason: "cannot read the configuration file: \(error.localizedDescription)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(key: path, reason: "invalid YAML: \(error)")
        }
        guard let root else { return }
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError(
                key: path, reason: "the top level must be a mapping", location: "\(path):\(line(root))")
        }
        try walk(mapping, prefix: [], path: path)
    }

    private static func walk(_ mapping: Node.Mapping, prefix: [String], path: String) throws {
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.string else {
                throw ConfigurationError(
                    key: prefix.joined(separator: "."), reason: "keys must be strings",
                    location: "\(path):\(line(keyNode))")
            }
            let dotted = (prefix + [name]).joined(separator: ".")
            if case .mapping(let nested) = valueNode, ConfigSetting.byKey[dotted] == nil {
                try walk(nested, prefix: prefix + [name], path: path)
                continue
            }
            guard let setting = ConfigSetting.byKey[dotted] else {
                throw ConfigurationError(key: dotted, reason: "unknown setting", location: "\(path):\(line(keyNode))")
            }
            if case .sequence = valueNode, setting.kind != .list {
                throw ConfigurationError(
                    key: dotted, reason: "expected \(setting.shape), got a list",
                    location: "\(path):\(line(valueNode))")
            }
            if case .mapping = valueNode {
                throw ConfigurationError(
                    key: dotted, reason: "expected \(setting.shape), got a mapping",
                    location: "\(path):\(line(valueNode))")
            }
        }
    }

    private static func line(_ node: Node) -> Int { (node.mark?.line ?? 0) }
}
