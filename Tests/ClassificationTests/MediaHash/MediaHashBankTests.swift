import Foundation
import TestSupport
import Testing

@testable import Classification

extension PDQHash {
    static func random(_ rng: inout SeededGenerator) -> PDQHash {
        PDQHash(rng.next(), rng.next(), rng.next(), rng.next())
    }

    /// This hash with `count` distinct bits flipped.
    func flipping(_ count: Int, _ rng: inout SeededGenerator) -> PDQHash {
        var words = [word(0), word(1), word(2), word(3)]
        var bits = Array(0..<256)
        bits.shuffle(using: &rng)
        for bit in bits.prefix(count) { words[bit / 64] ^= 1 << UInt64(bit % 64) }
        return PDQHash(words[0], words[1], words[2], words[3])
    }
}

@Suite struct MediaHashBankTests {
    let pdqHex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    let md5Hex = "d41d8cd98f00b204e9800998ecf8427e"

    @Test func loadsBothKindsWithCommentsAndLabels() throws {
        let bank = try MediaHashBankLoader().parse(
            "# bank\n\nmd5 \(md5Hex) obscene known set A\npdq \(pdqHex.uppercased()) violence_terror\n", file: "b.txt")
        #expect(bank.count.md5 == 1 && bank.count.pdq == 1)
        let entry = try #require(bank.lookup(md5: MD5Digest(hex: md5Hex)!).first)
        #expect(entry.category == "obscene" && entry.label == "known set A" && entry.source == "b.txt:3")
    }

    @Test(arguments: [
        ("md5 abc obscene", MediaHashBankError.Code.invalidHash),
        ("sha1 d41d8cd98f00b204e9800998ecf8427e obscene", .unknownKind),
        ("md5 d41d8cd98f00b204e9800998ecf8427e", .missingField),
        ("md5 d41d8cd98f00b204e9800998ecf8427e Obscene!", .invalidCategory),
        ("pdq d41d8cd98f00b204e9800998ecf8427e obscene", .invalidHash),
    ])
    func badLineNamesFileLineAndProblem(line: String, code: MediaHashBankError.Code) {
        #expect {
            try MediaHashBankLoader().parse("# ok\nmd5 \(md5Hex) fraud\n\(line)\n", file: "banks/x.txt")
        } throws: { error in
            let error = error as! MediaHashBankError
            return error.code == code && error.file == "banks/x.txt" && error.line == 3
                && error.description.hasPrefix("banks/x.txt:3:")
        }
    }

    @Test func failedReloadKeepsThePreviousBank() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bank-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.txt").path
        let bad = directory.appendingPathComponent("bad.txt").path
        try "md5 \(md5Hex) obscene\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "md5 \(md5Hex) obscene\nmd5 zz fraud\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let holder = MediaBankHolder()
        try holder.reload(files: [good])
        #expect(throws: MediaHashBankError.self) { try holder.reload(files: [bad]) }
        #expect(holder.matches(for: [MessageAttachment(kind: "image", md5: md5Hex)]).map(\.category) == ["obscene"])
    }

    @Test func md5MatchesExactlyOnly() throws {
        let bank = try MediaHashBankLoader().parse("md5 \(md5Hex) fraud scam-kit\n", file: "b")
        let matcher = MediaMatcher(bank: bank)
        let other = "d41d8cd98f00b204e9800998ecf8427f"
        let matches = matcher.match(attachments: [
            AttachmentHashes(pdqHex: nil, md5Hex: other), AttachmentHashes(pdqHex: nil, md5Hex: md5Hex.uppercased()),
        ])
        #expect(
            matches == [MediaMatch(attachmentIndex: 1, category: "fraud", distance: 0, kind: .md5, label: "scam-kit")])
    }

    @Test(arguments: [(0, true), (31, true), (32, false)])
    func pdqMatchesWithinDefaultThreshold(distance: Int, matches: Bool) throws {
        var rng = SeededGenerator(state: 7)
        let member = PDQHash.random(&rng)
        var entries = [(member, MediaHashEntry(category: "obscene"))]
        for _ in 0..<2000 { entries.append((PDQHash.random(&rng), MediaHashEntry(category: "gambling"))) }
        let matcher = MediaMatcher(bank: MediaHashBank(md5: [], pdq: entries))
        let probe = member.flipping(distance, &rng)
        #expect(probe.distance(to: member) == distance)
        let found = matcher.match(attachments: [AttachmentHashes(pdq: probe)])
        #expect(
            found
                == (matches
                    ? [MediaMatch(attachmentIndex: 0, category: "obscene", distance: distance, kind: .pdq, label: nil)]
                    : []))
    }

    @Test func thresholdIsConfigurable() throws {
        var rng = SeededGenerator(state: 9)
        let member = PDQHash.random(&rng)
        let bank = MediaHashBank(md5: [], pdq: [(member, MediaHashEntry(category: "rumor"))], pdqThreshold: 40)
        #expect(bank.lookup(pdq: member.flipping(40, &rng)).map(\.distance) == [40])
        #expect(bank.lookup(pdq: member.flipping(41, &rng)).isEmpty)
    }

    @Test(arguments: [0, 15, 31, 47, 70])
    func multiIndexAgreesWithLinearScan(threshold: Int) {
        var rng = SeededGenerator(state: 42)
        let members = (0..<3000).map { _ in PDQHash.random(&rng) }
        let index = MultiIndexHashIndex(hashes: members)
        for probeNumber in 0..<200 {
            let base = members[Int(rng.next() % UInt64(members.count))]
            let probe =
                probeNumber.isMultiple(of: 2) ? base.flipping(Int(rng.next() % 80), &rng) : PDQHash.random(&rng)
            let fast = index.search(probe, maxDistance: threshold)
            let slow = index.linearSearch(probe, maxDistance: threshold)
            #expect(fast.map(\.id) == slow.map(\.id))
            #expect(fast.map(\.distance) == slow.map(\.distance))
        }
    }

    @Test func hexRoundTrips() throws {
        #expect(try #require(PDQHash(hex: pdqHex)).hex == pdqHex)
        #expect(try #require(MD5Digest(hex: md5Hex)).hex == md5Hex)
        #expect(PDQHash(hex: String(pdqHex.dropLast()) + "g") == nil)
    }
}
