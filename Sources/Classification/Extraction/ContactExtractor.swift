/// Finds phone numbers, ID-card numbers, QQ numbers, WeChat ids, URLs and domains in a message
/// text, including obfuscated forms (separators, full-width, circled letters, Chinese numerals,
/// 点 for a dot). Pure and `Sendable`: one instance serves every thread. Never logs.
public struct ContactExtractor: Sendable {
    public init() {}

    /// Every entity found, ordered by start offset then kind.
    public func extract(_ text: String) -> [ExtractedEntity] {
        let folded = FoldedText(text)
        var entities = numbers(in: folded)
        entities += qqNumbers(in: folded)
        entities += wechatIDs(in: folded)
        entities += links(in: folded)
        return entities.sorted { ($0.start, $0.kind.rawValue) < ($1.start, $1.kind.rawValue) }
    }

    // MARK: Phone and ID-card numbers

    /// A maximal digit run: groups of contiguous digits joined by at most two separators.
    struct DigitGroup {
        var start: Int
        var end: Int
        var digits: [Unicode.Scalar]
    }

    static func digitRuns(in text: FoldedText, from start: Int = 0, limit: Int? = nil) -> [[DigitGroup]] {
        var runs: [[DigitGroup]] = []
        var index = start
        let end = limit ?? text.count
        while index < end {
            guard FoldedText.isDigit(text[index]) else {
                index += 1
                continue
            }
            var run: [DigitGroup] = []
            while true {
                var group = DigitGroup(start: index, end: index, digits: [])
                while index < end, FoldedText.isDigit(text[index]) {
                    group.digits.append(text[index])
                    index += 1
                }
                // A trailing X closes an ID-card number.
                if index < end, text[index] == "x", index + 1 >= end || !FoldedText.isLetter(text[index + 1]) {
                    group.digits.append("x")
                    index += 1
                }
                group.end = index
                run.append(group)
                var look = index
                while look < end, look - index < 2, FoldedText.isDigitSeparator(text[look]) { look += 1 }
                if look > index, look < end, FoldedText.isDigit(text[look]), group.digits.last != "x" {
                    index = look
                } else {
                    break
                }
            }
            runs.append(run)
        }
        return runs
    }

    func numbers(in text: FoldedText) -> [ExtractedEntity] {
        var found: [ExtractedEntity] = []
        for run in Self.digitRuns(in: text) {
            var first = 0
            scan: while first < run.count {
                var digits: [Unicode.Scalar] = []
                for last in first..<run.count {
                    digits += run[last].digits
                    if digits.count > 18 { break }
                    let span = (run[first].start, run[last].end)
                    if let value = Self.phone(digits) {
                        found.append(.init(kind: .phone, value: value, start: span.0, end: span.1))
                        first = last + 1
                        continue scan
                    }
                    if digits.count == 18, Self.isValidIDCard(digits) {
                        found.append(
                            .init(
                                kind: .idCard, value: String(String.UnicodeScalarView(digits)).uppercased(),
                                start: span.0, end: span.1))
                        first = last + 1
                        continue scan
                    }
                }
                first += 1
            }
        }
        return found
    }

    /// A mainland mobile number `1[3-9]` + 9 digits, optionally after `86`; its 11 digits.
    static func phone(_ digits: [Unicode.Scalar]) -> String? {
        var body = digits[...]
        if body.count == 13, body.starts(with: ["8", "6"]) { body = body.dropFirst(2) }
        guard body.count == 11, !body.contains("x"), body.first == "1", let second = body.dropFirst().first,
            ("3"..."9").contains(second)
        else { return nil }
        return String(String.UnicodeScalarView(body))
    }

    /// GB 11643: 17 digits and a check character (ISO 7064 MOD 11-2), with a plausible birth date.
    static func isValidIDCard(_ digits: [Unicode.Scalar]) -> Bool {
        guard digits.count == 18, digits[0..<17].allSatisfy(FoldedText.isDigit) else { return false }
        let values = digits[0..<17].map { Int($0.value) - 0x30 }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        let check: [Unicode.Scalar] = ["1", "0", "x", "9", "8", "7", "6", "5", "4", "3", "2"]
        guard digits[17] == check[sum % 11] else { return false }
        let year = values[6...9].reduce(0) { $0 * 10 + $1 }
        let month = values[10] * 10 + values[11]
        let day = values[12] * 10 + values[13]
        return (1900...2099).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }
}
