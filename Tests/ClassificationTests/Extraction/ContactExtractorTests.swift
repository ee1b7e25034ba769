import Testing

@testable import Classification

@Suite struct ContactExtractorTests {
    let extractor = ContactExtractor()

    func found(_ text: String, _ kind: ExtractedEntityKind) -> [String] {
        extractor.extract(text).filter { $0.kind == kind }.map(\.value)
    }

    /// The original text an entity spans (scalar offsets).
    func span(_ text: String, _ entity: ExtractedEntity) -> String {
        let scalars = Array(text.unicodeScalars)[entity.start..<entity.end]
        return String(String.UnicodeScalarView(scalars))
    }

    @Test(arguments: [
        "电话13800138000", "call 138 0013 8000", "138-0013-8000 找我", "１３８００１３８０００", "一三八零零一三八零零零",
        "①③⑧00138000", "+86 138 0013 8000", "日期2024-01-01 13800138000",
    ])
    func phoneForms(text: String) throws {
        #expect(found(text, .phone) == ["13800138000"])
        let entity = try #require(extractor.extract(text).first { $0.kind == .phone })
        #expect(span(text, entity).unicodeScalars.last.map { "0０零〇".unicodeScalars.contains($0) } == true)
    }

    @Test(arguments: ["12800138000", "1380013800", "138001380001", "订单号 23800138000", "一二三四五"])
    func notPhones(text: String) {
        #expect(found(text, .phone).isEmpty)
    }

    @Test func offsetsAreScalarOffsetsIntoTheOriginal() {
        let text = "👍加我 １３８ ００１３ ８０００ 谢谢"
        let entity = extractor.extract(text).first { $0.kind == .phone }
        #expect(entity?.start == 4)
        #expect(entity.map { span(text, $0) } == "１３８ ００１３ ８０００")
    }

    @Test func idCardWithValidChecksum() {
        #expect(found("身份证 11010519491231002X 电话13800138000", .idCard) == ["11010519491231002X"])
        #expect(found("身份证 110105 19491231 002x", .idCard) == ["11010519491231002X"])
        #expect(found("身份证 110105194912310021", .idCard).isEmpty)  // bad check digit
        #expect(found("110105194913310028", .idCard).isEmpty)  // month 13
    }

    @Test(arguments: [
        ("加qq 12345678", "12345678"), ("扣扣：８８８８８", "88888"), ("Q号 1234 5678 90", "1234567890"),
        ("QQ号是987654321", "987654321"), ("Q Q：1 2 3 4 5 6 7 8", "12345678"), ("q-q 号 55555", "55555"),
    ])
    func qqForms(text: String, value: String) {
        #expect(found(text, .qq) == [value])
    }

    @Test(arguments: ["qq 1234", "qq 012345", "faqq 123456", "qq123456789012"])
    func notQQ(text: String) {
        #expect(found(text, .qq).isEmpty)
    }

    @Test(arguments: [
        ("加微信 abc_123", "abc_123"), ("VX：Hello-World9", "hello-world9"), ("v信 ｗｘｉｄ８８８", "wxid888"),
        ("薇信ⓦⓔⓘⓧⓘⓝ1", "weixin1"), ("威信号:zhang_san", "zhang_san"), ("wx: a12345", "a12345"),
        ("加 v 信 abc_123", "abc_123"), ("微 .信：zhang_san", "zhang_san"), ("V·X hello99", "hello99"),
    ])
    func wechatForms(text: String, value: String) {
        #expect(found(text, .wechat) == [value])
    }

    @Test(arguments: ["微信 abc", "wxyz abcdefg", "微信 1abcdef", "微信聊天吧", "vx a1234567890123456789x"])
    func notWechat(text: String) {
        #expect(found(text, .wechat).isEmpty)
    }

    @Test func urlsAndDomains() {
        let text = "看 https://Sub.Bad.com/p?x=1 和 bad点com 还有 foo . top，不是 a.b 也不是 1.5"
        #expect(found(text, .url) == ["https://sub.bad.com/p?x=1"])
        #expect(found(text, .domain) == ["sub.bad.com", "bad.com", "foo.top"])
        let bare = extractor.extract("去ｅｘａｍｐｌｅ．ｃｎ").first { $0.kind == .domain }
        #expect(bare?.value == "example.cn" && bare?.start == 1 && bare?.end == 11)
    }

    @Test func domainBlockListMatchesSuffixes() throws {
        let list = try DomainBlockList(parsing: "# list\nbad.com gambling casino\nscam.cn fraud\n", file: "d.txt")
        #expect(list.entry(forHost: "sub.bad.com")?.category == "gambling")
        #expect(list.entry(forHost: "bad.com")?.label == "casino")
        #expect(list.entry(forHost: "notbad.com") == nil)
        let hits = list.hits(in: extractor.extract("上 www.scam.cn 或 good.com"))
        #expect(hits.map(\.entry.category) == ["fraud"])
        #expect {
            try DomainBlockList(parsing: "bad.com gambling\nnodot fraud\n", file: "d.txt")
        } throws: { ($0 as? MediaHashBankError).map { $0.line == 2 && $0.code == .invalidDomain } == true }
    }

    @Test func classifierAdapterKeepsKindsAndOffsetsOnly() {
        let items = extractor.extract(from: "微信 abc_123 电话13800138000")
        #expect(items.map(\.kind) == ["wechat", "phone"])
    }
}
