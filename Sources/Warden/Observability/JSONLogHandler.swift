import Foundation
import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line: `time`, `level`, `message`, `logger`,
/// then every metadata key at the top level (`worker_id`, `topic`, `partition`, `offset`,
/// `flag_id`, `event_type`, ...). Lines are written whole, so concurrent loggers never interleave.
public struct JSONLogHandler: LogHandler {
    /// Where lines go: stdout, a file, or a test's buffer.
    public final class Sink: Sendable {
        private let write: @Sendable ([UInt8]) -> Void
        private let lock = Mutex(())

        public init(_ write: @escaping @Sendable ([UInt8]) -> Void) { self.write = write }

        public static let standardOutput = Sink { bytes in
            FileHandle.standardOutput.write(Data(bytes))
        }

        /// Appends to `path`, creating it.
        public static func file(_ path: String) throws -> Sink {
            guard
                FileManager.default.createFile(atPath: path, contents: nil)
                    || FileManager.default.fileExists(atPath: path),
                let handle = FileHandle(forWritingAtPath: path)
            else { throw CocoaError(.fileWriteNoPermission) }
            handle.seekToEndOfFile()
            let box = Mutex(handle)
            return Sink { bytes in box.withLock { $0.write(Data(bytes)) } }
        }

        func emit(_ line: [UInt8]) { lock.withLock { _ in write(line) } }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let sink: Sink
    private let textFormat: Bool

    /// - Parameter textFormat: `true` writes `time level [label] message key=value` for terminals.
    public init(label: String, level: Logger.Level, sink: Sink, textFormat: Bool = false) {
        self.label = label
        self.logLevel = level
        self.sink = sink
        self.textFormat = textFormat
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = RFC3339.format(Date())
        var line: String
        if textFormat {
            line = "\(time) \(event.level) [\(label)] \(event.message)"
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        } else {
            var fields: [(String, String)] = [
                ("time", Self.quote(time)), ("level", Self.quote(event.level.rawValue)),
                ("message", Self.quote(event.message.description)), ("logger", Self.quote(label)),
            ]
            for (key, value) in merged.sorted(by: { $0.key < $1.key })
            where !["time", "level", "message", "logger"].contains(key) {
                fields.append((key, Self.json(value)))
            }
            line = "{" + fields.map { "\(Self.quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        }
        sink.emit(Array((line + "\n").utf8))
    }

    static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string): quote(string)
        case .stringConvertible(let convertible):
            if let number = convertible as? any BinaryInteger { "\(number)" } else { quote(convertible.description) }
        case .array(let array): "[" + array.map(json).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            "{"
                + dictionary.sorted(by: { $0.key < $1.key }).map { "\(quote($0.key)):\(json($0.value))" }
                .joined(separator: ",") + "}"
        }
    }

    static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
