import Foundation
import Testing

@testable import Warden

/// The direct reader answers only with what the tree decoder answers: on generated messages of
/// every shape the contract allows or refuses, and on seeded corruptions of a real one.
@Suite struct GroupMessageReaderTests {
    static let decoder = ContractDecoder(maxTextBytes: 40)

    /// What the tree decoder says: the message, nil for a private chat, or its error.
    static func tree(_ bytes: [UInt8]) -> Result<GroupMessage?, ContractError> {
        Result { try decoder.treeGroupMessage(bytes) }.mapError { $0 as! ContractError }
    }

    /// Checks one document; returns (the reader answered, the tree decoded a group message).
    @discardableResult
    static func check(_ bytes: [UInt8]) -> (answered: Bool, message: Bool) {
        let tree = tree(bytes)
        let read = GroupMessageReader.read(bytes, maxTextBytes: decoder.maxTextBytes)
        let text = String(decoding: bytes, as: UTF8.self)
        switch (read, tree) {
        case (nil, _): break
        case (.privateChat?, .success(nil)): break
        case (.message(let message)?, .success(let decoded?)):
            #expect(message == decoded, "\(text)")
        default:
            Issue.record("reader \(String(describing: read)) but tree \(tree): \(text)")
        }
        // The decoder as used: the reader, else the tree; always the tree's answer.
        let used = Result { try decoder.groupMessage(bytes) }.mapError { $0 as! ContractError }
        #expect(used == tree, "\(text)")
        if case .success(_?) = tree { return (read != nil, true) }
        return (read != nil, false)
    }

    /// A JSON text for a value chosen at random, well-formed or not for the field that gets it.
    struct Generator {
        var random: SplitMix64
        /// Whether the last message has a key twice (an ill-typed first value is then left to the
        /// tree, which is right but not the reader's to answer).
        var duplicated = false

        mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }

        mutating func string() -> String {
            pick([
                #""m-1""#, #""g-42""#, #""u-7""#, #""""#, #""加我微信 赚钱""#, #""line\nbreak \"quoted\" \u8d5a\/""#,
                #""\ud83d\ude00 emoji""#, "\"\(String(repeating: "长", count: 20))\"",
            ])
        }

        /// A value for a field expecting `expected`, sometimes of another type or null.
        mutating func field(_ expected: String) -> String {
            if chance(96) { return expected }
            return pick(["null", "5", "true", "[]", "{}", #""""#, #"{"a":[1,{"b":null}]}"#, "-0.5e3"])
        }

        mutating func hex(_ length: Int) -> String {
            let digits = Array("0123456789abcdefABCDEF")
            let count = chance(90) ? length : length + pick([-1, 1])
            var text = "\""
            for _ in 0..<max(0, count) { text.append(chance(80) ? pick(Array(digits[0..<16])) : pick(digits)) }
            return text + "\""
        }

        mutating func attachment() -> String {
            var members: [String] = []
            members.append(#""kind":"# + field(pick([#""image""#, #""video""#, #""link""#, #""file""#, #""gif""#])))
            if chance(50) { members.append(#""url":"# + field(#""https://example.com/a?b=c""#)) }
            if chance(40) { members.append(#""md5":"# + field(hex(32))) }
            if chance(30) { members.append(#""pdq":"# + field(hex(64))) }
            if chance(20) { members.append(#""name":"# + field(string())) }
            if chance(10) { members.append(#""extra":{"deep":[true,false,null]}"#) }
            return "{" + shuffled(members).joined(separator: ",") + "}"
        }

        mutating func group() -> String {
            var members: [String] = []
            if chance(95) {
                members.append(
                    #""kind":"# + field(pick([#""group""#, #""group""#, #""family""#, #""direct""#, #""club""#])))
            }
            if chance(85) { members.append(#""owner_id":"# + field(pick([#""u-1""#, #""""#]))) }
            if chance(70) {
                members.append(#""admin_ids":"# + field(list(count: pick([0, 1, 3])) { $0.string() }))
            }
            if chance(90) {
                members.append(#""member_count":"# + field(pick(["200", "0", "-1", "30.0", "1e2", "2.5", "31"])))
            }
            if chance(10) {
                members.append(#""member_count":31"#)
                duplicated = true
            }
            return "{" + shuffled(members).joined(separator: " , ") + "}"
        }

        mutating func message() -> String {
            var members: [String] = []
            duplicated = false
            if chance(97) { members.append(#""message_id":"# + field(string())) }
            if chance(97) { members.append(#""group_id":"# + field(string())) }
            if chance(95) { members.append(#""sender_id":"# + field(string())) }
            if chance(95) {
                let time = pick([
                    #""2026-11-27T18:00:00Z""#, #""2026-11-27T18:00:00.123Z""#, #""2026-11-27T20:00:00+02:00""#,
                    #""2026-02-30T18:00:00Z""#, #""yesterday""#,
                ])
                members.append(#""sent_at":"# + field(time))
            }
            if chance(80) { members.append(#""text":"# + field(string())) }
            if chance(60) {
                members.append(#""attachments":"# + field(list(count: pick([0, 1, 2])) { $0.attachment() }))
            }
            if chance(97) { members.append(#""group":"# + field(group())) }
            if chance(15) { members.append(#""client":{"version":[1,2,{"x":"\u00e9"}],"ok":false}"#) }
            if chance(8) {
                members.append(#""text":"# + field(string()))
                duplicated = true
            }
            return pick(["", " ", "\n"]) + "{" + shuffled(members).joined(separator: pick([",", ", ", ",\n  "])) + "}"
                + pick(["", " ", "\t\n"])
        }

        /// A JSON array of `count` elements.
        mutating func list(count: Int, _ element: (inout Generator) -> String) -> String {
            var elements: [String] = []
            for _ in 0..<count { elements.append(element(&self)) }
            return "[" + elements.joined(separator: ",") + "]"
        }

        mutating func shuffled(_ members: [String]) -> [String] {
            var members = members
            members.shuffle(using: &random)
            return members
        }
    }

    @Test func answersExactlyAsTheTreeOnGeneratedMessages() {
        var generator = Generator(random: SplitMix64(seed: 2026))
        var (messages, answered, refused) = (0, 0, 0)
        for _ in 0..<20_000 {
            let bytes = Array(generator.message().utf8)
            let (didAnswer, isMessage) = Self.check(bytes)
            if isMessage {
                messages += 1
                #expect(
                    didAnswer || generator.duplicated,
                    "a valid group message left to the tree: \(String(decoding: bytes, as: UTF8.self))")
            }
            if didAnswer { answered += 1 }
            if case .failure = Self.tree(bytes) { refused += 1 }
        }
        // Every kind of outcome occurred often.
        #expect(messages > 1_000 && refused > 2_000 && answered > messages, "\(messages) \(refused) \(answered)")
    }

    @Test func answersExactlyAsTheTreeOnSeededCorruptions() {
        var random = SplitMix64(seed: 91)
        let seed = Array(
            #"{"message_id":"m-1","group_id":"g-1","sender_id":"u-2","sent_at":"2026-11-27T18:00:00.123Z","text":"加我 \u8d5a","attachments":[{"kind":"image","md5":"0cc175b9c0f1b6a831c399e269772661"}],"group":{"kind":"group","owner_id":"u-1","admin_ids":["u-3"],"member_count":200}}"#
                .utf8)
        var answered = 0
        for _ in 0..<20_000 {
            if Self.check(SeededCorruption.corrupt(seed, using: &random)).answered { answered += 1 }
        }
        #expect(answered > 1_000 && answered < 19_000, "\(answered)")
    }
}
