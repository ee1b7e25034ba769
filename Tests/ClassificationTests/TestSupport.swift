import Foundation

@testable import Classification

/// Paths and packs shared by the classification tests.
enum TestSupport {
    /// The repository root, found from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// rules/default.yaml.
    static let defaultPackPath = repositoryRoot.appendingPathComponent("rules/default.yaml").path

    /// The default pack, loaded once.
    static let defaultPack: RulePack = {
        do {
            return try RulePackLoader().load(files: [defaultPackPath])
        } catch {
            fatalError("default pack does not load:\n\(error)")
        }
    }()

    /// A classifier over the default pack, compiled once.
    static let defaultClassifier: RuleClassifier = {
        do {
            return try RuleClassifier(pack: defaultPack)
        } catch {
            fatalError("default pack does not compile:\n\(error)")
        }
    }()

    /// A temporary file holding `text`, removed by the caller.
    static func temporaryFile(_ text: String, name: String = "pack.yaml") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
