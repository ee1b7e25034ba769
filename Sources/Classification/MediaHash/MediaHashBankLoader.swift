import Foundation

/// A problem in a media-hash bank file, naming the file, the 1-based line and the problem.
/// Loading stops at the first problem; the caller keeps its previous bank.
public struct MediaHashBankError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A bank or block-list file's text; an unreadable file is `unreadable_file` at line 0.
    static func readText(of file: String) throws(MediaHashBankError) -> String {
        do {
            return try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw MediaHashBankError(
                code: .unreadableFile, message: "cannot read the file as UTF-8", file: file, line: 0)
        }
    }

    public enum Code: String, Sendable, Hashable {
        case unreadableFile = "unreadable_file"
        case unknownKind = "unknown_kind"
        case missingField = "missing_field"
        case invalidHash = "invalid_hash"
        case invalidCategory = "invalid_category"
        case invalidDomain = "invalid_domain"
    }

    public var code: Code
    public var message: String
    public var file: String
    /// 1-based; 0 when the whole file is at fault.
    public var line: Int

    public init(code: Code, message: String, file: String, line: Int) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    /// A bad file stays bad until edited: retrying the same bytes cannot help.
    public var isRetriable: Bool { code == .unreadableFile }

    public var description: String { "\(file):\(line): \(code.rawValue): \(message)" }
}

/// Reads media-hash bank files. The line format (UTF-8):
///
/// ```
/// # a comment; blank lines are ignored
/// md5 <32 hex digits> <category> [label …]
/// pdq <64 hex digits> <category> [label …]
/// ```
///
/// Fields are separated by spaces or tabs; the label is the rest of the line. A category is
/// `[a-z][a-z0-9_.-]*` (contract ids such as `obscene`, `fraud`, or pack-defined ones). Hex is
/// case-insensitive. Text after ` #` is not a comment: labels may contain `#`.
public struct MediaHashBankLoader: Sendable {
    public var pdqThreshold: Int

    public init(pdqThreshold: Int = MediaHashBank.defaultPDQThreshold) {
        self.pdqThreshold = pdqThreshold
    }

    /// Loads and merges the files into one bank; throws the first `MediaHashBankError`.
    public func load(files: [String]) throws(MediaHashBankError) -> MediaHashBank {
        var md5: [(MD5Digest, MediaHashEntry)] = []
        var pdq: [(PDQHash, MediaHashEntry)] = []
        for file in files {
            try parse(try MediaHashBankError.readText(of: file), file: file, md5: &md5, pdq: &pdq)
        }
        return MediaHashBank(md5: md5, pdq: pdq, pdqThreshold: pdqThreshold)
    }

    /// Parses one file's text (named `file` in errors) into a bank.
    public func parse(_ text: String, file: String) throws(MediaHashBankError) -> MediaHashBank {
        var md5: [(MD5Digest, MediaHashEntry)] = []
        var pdq: [(PDQHash, MediaHashEntry)] = []
        try parse(text, file: file, md5: &md5, pdq: &pdq)
        return MediaHashBank(md5: md5, pdq: pdq, pdqThreshold: pdqThreshold)
    }

    func parse(
        _ text: String, file: String, md5: inout [(MD5Digest, MediaHashEntry)], pdq: inout [(PDQHash, MediaHashEntry)]
    ) throws(MediaHashBankError) {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(maxSplits: 3, whereSeparator: { $0 == " " || $0 == "\t" })
            func fail(_ code: MediaHashBankError.Code, _ message: String) -> MediaHashBankError {
                MediaHashBankError(code: code, message: message, file: file, line: lineNumber)
            }
            guard let kind = MediaHashKind(rawValue: fields[0].lowercased()) else {
                throw fail(.unknownKind, "expected `md5` or `pdq` at the start of the line")
            }
            guard fields.count >= 3 else {
                throw fail(.missingField, "expected `\(kind.rawValue) <hash> <category> [label]`")
            }
            let category = String(fields[2])
            guard Self.isValidCategory(category) else {
                throw fail(.invalidCategory, "category must match [a-z][a-z0-9_.-]*")
            }
            let label = fields.count > 3 ? String(fields[3]).trimmingCharacters(in: .whitespaces) : nil
            let entry = MediaHashEntry(
                category: category, label: label?.isEmpty == false ? label : nil, source: "\(file):\(lineNumber)")
            switch kind {
            case .md5:
                guard let digest = MD5Digest(hex: fields[1]) else {
                    throw fail(.invalidHash, "an MD5 digest is 32 hex digits")
                }
                md5.append((digest, entry))
            case .pdq:
                guard let hash = PDQHash(hex: fields[1]) else {
                    throw fail(.invalidHash, "a PDQ hash is 64 hex digits")
                }
                pdq.append((hash, entry))
            }
        }
    }

    static func isValidCategory(_ category: String) -> Bool {
        guard let first = category.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return category.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "." || $0 == "-"
        }
    }
}
