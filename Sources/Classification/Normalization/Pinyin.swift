/// Toneless pinyin of simplified characters, from the generated GB2312 table (PinyinData.swift,
/// source: pypinyin 0.55.0 / Unihan). One reading per character: the most common one.
enum Pinyin {
    /// Character → syllable, built on first use.
    static let table: [Unicode.Scalar: String] = {
        var map: [Unicode.Scalar: String] = [:]
        for line in pinyinSyllableLines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let syllable = String(line[..<colon])
            for c in line[line.index(after: colon)...].unicodeScalars { map[c] = syllable }
        }
        return map
    }()

    /// The syllables of a normalised term; `nil` when a Han character has no known reading.
    /// Non-Han characters are kept as they are.
    static func syllables(of term: String) -> [String]? {
        var out: [String] = []
        for s in term.unicodeScalars {
            if s.isHanIdeograph {
                guard let syllable = table[s] else { return nil }
                out.append(syllable)
            } else {
                out.append(String(s))
            }
        }
        return out
    }

    /// The first Han character of `term` with no known reading.
    static func firstUnknown(in term: String) -> Unicode.Scalar? {
        term.unicodeScalars.first { $0.isHanIdeograph && table[$0] == nil }
    }

    /// `dubo` for 赌博.
    static func full(_ term: String) -> String? {
        syllables(of: term)?.joined()
    }

    /// `db` for 赌博 (first letter of every syllable).
    static func initials(_ term: String) -> String? {
        syllables(of: term)?.map { String($0.prefix(1)) }.joined()
    }
}
