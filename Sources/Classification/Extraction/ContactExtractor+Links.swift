extension ContactExtractor {
    /// Top-level domains accepted for a bare `name.tld`; a scheme (`http://`) accepts any.
    static let topLevelDomains: Set<String> = [
        "com", "cn", "net", "org", "top", "xyz", "vip", "cc", "info", "io", "me", "app", "site", "online", "club",
        "shop", "ltd", "link", "live", "tv", "hk", "tw", "mo", "co", "biz", "pro", "fun", "icu", "work", "wang",
        "ren", "win", "bet", "asia", "ru", "us", "uk", "jp", "kr", "in", "xin", "cloud", "store", "tech", "space",
    ]

    static func isLabelScalar(_ scalar: Unicode.Scalar) -> Bool {
        FoldedText.isLetter(scalar) || FoldedText.isDigit(scalar) || scalar == "-"
    }

    func links(in text: FoldedText) -> [ExtractedEntity] {
        var found: [ExtractedEntity] = []
        var index = 0
        while index < text.count {
            guard Self.isLabelScalar(text[index]), index == 0 || !Self.isLabelScalar(text[index - 1]),
                index == 0 || text[index - 1] != "."
            else {
                index += 1
                continue
            }
            let start = index
            var hostStart = index
            var scheme = ""
            for candidate in ["https://", "http://"] where text.hasKeyword(Array(candidate.unicodeScalars), at: index) {
                scheme = candidate
                hostStart = index + candidate.unicodeScalars.count
                break
            }
            guard let host = Self.host(in: text, from: hostStart), host.labels.count >= 2,
                !scheme.isEmpty || Self.topLevelDomains.contains(host.labels.last!)
            else {
                index += 1
                continue
            }
            var end = host.end
            if end < text.count, text[end] == "/" {
                while end < text.count, text[end].isASCII, text[end].properties.isWhitespace == false { end += 1 }
            }
            let name = host.labels.joined(separator: ".")
            found.append(.init(kind: .domain, value: name, start: hostStart, end: host.end))
            if !scheme.isEmpty || end > host.end {
                let path = String(String.UnicodeScalarView(text.scalars[host.end..<end]))
                found.append(
                    .init(
                        kind: .url, value: (scheme.isEmpty ? "http://" : scheme) + name + path, start: start, end: end))
            }
            index = end
        }
        return found
    }

    /// Labels joined by dots; a dot (`.`, `点`, `。`, full-width) may have one space either side.
    static func host(in text: FoldedText, from start: Int) -> (labels: [String], end: Int)? {
        var labels: [String] = []
        var index = start
        var end = start
        while true {
            var label: [Unicode.Scalar] = []
            while index < text.count, isLabelScalar(text[index]) {
                label.append(text[index])
                index += 1
            }
            guard !label.isEmpty, label.count <= 63 else { break }
            labels.append(String(String.UnicodeScalarView(label)))
            end = index
            var look = index
            if look < text.count, text[look] == " " { look += 1 }
            guard look < text.count, text[look] == "." else { break }
            look += 1
            if look < text.count, text[look] == " " { look += 1 }
            guard look < text.count, isLabelScalar(text[look]) else { break }
            index = look
        }
        // Trim trailing labels until the last is alphabetic (a TLD), e.g. `abc.com.123`.
        return labels.isEmpty ? nil : (labels, end)
    }
}
