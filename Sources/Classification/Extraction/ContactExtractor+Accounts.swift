extension ContactExtractor {
    static let qqKeywords: [[Unicode.Scalar]] = ["qq", "扣扣", "q号", "企鹅号", "球球"].map { Array($0.unicodeScalars) }
    static let wechatKeywords: [[Unicode.Scalar]] = [
        "微信", "vx", "v信", "薇信", "wx", "威信", "weixin", "wechat", "徽信", "微x",
    ].map { Array($0.unicodeScalars) }
    /// What may sit between a keyword and the account: `微信号：abc`, `qq 是 12345`.
    static let connectors: Set<Unicode.Scalar> = [" ", ":", "号", "是", "加", "+", "=", "-", "码"]

    /// The index after `keyword` and up to four connectors, for every keyword occurrence. A
    /// keyword may have separators between its letters (`v 信`, `Q-Q`).
    static func accountStarts(in text: FoldedText, keywords: [[Unicode.Scalar]]) -> [Int] {
        var starts: [Int] = []
        for index in 0..<text.count {
            for keyword in keywords {
                guard let end = text.keywordEnd(keyword, at: index) else { continue }
                // An ASCII keyword must not be the tail of a longer word (`wxyz`, `faqq`).
                if keyword[0].isASCII, index > 0, FoldedText.isLetter(text[index - 1]) { continue }
                var next = end
                var skipped = 0
                while next < text.count, skipped < 4, connectors.contains(text[next]) {
                    next += 1
                    skipped += 1
                }
                // Two keywords may lead to one account (`q-q 号` is `qq` and `q号`): report it once.
                if !starts.contains(next) { starts.append(next) }
            }
        }
        return starts
    }

    func qqNumbers(in text: FoldedText) -> [ExtractedEntity] {
        var found: [ExtractedEntity] = []
        for start in Self.accountStarts(in: text, keywords: Self.qqKeywords) {
            guard start < text.count, FoldedText.isDigit(text[start]), text[start] != "0" else { continue }
            guard let run = Self.digitRuns(in: text, from: start).first, run.first?.start == start else { continue }
            let digits = run.flatMap(\.digits)
            guard (5...11).contains(digits.count), !digits.contains("x") else { continue }
            found.append(
                .init(kind: .qq, value: String(String.UnicodeScalarView(digits)), start: start, end: run.last!.end))
        }
        return found
    }

    func wechatIDs(in text: FoldedText) -> [ExtractedEntity] {
        var found: [ExtractedEntity] = []
        for start in Self.accountStarts(in: text, keywords: Self.wechatKeywords) {
            guard start < text.count, FoldedText.isLetter(text[start]) else { continue }
            var end = start
            while end < text.count, Self.isIDScalar(text[end]) { end += 1 }
            guard (6...20).contains(end - start) else { continue }
            let value = String(String.UnicodeScalarView(text.scalars[start..<end]))
            found.append(.init(kind: .wechat, value: value, start: start, end: end))
        }
        return found
    }

    static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        FoldedText.isLetter(scalar) || FoldedText.isDigit(scalar) || scalar == "-" || scalar == "_"
    }
}
