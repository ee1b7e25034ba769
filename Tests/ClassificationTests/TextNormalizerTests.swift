import Testing

@testable import Classification

@Suite struct TextNormalizerTests {
    let normalizer = TextNormalizer()

    private func n(_ s: String) -> String { normalizer.normalizedString(s) }

    @Test func foldsFullWidthLettersAndDigitsToAscii() {
        #expect(n("ＡＢＣ１２３") == "abc123")
        #expect(n("ｗｅｃｈａｔ") == "wechat")
    }

    @Test func foldsCase() {
        #expect(n("WeChat QQ") == "wechat qq")
    }

    @Test func removesZeroWidthAndFormatCharacters() {
        #expect(n("赌\u{200B}博") == "赌博")
        #expect(n("赌\u{200D}博\u{FEFF}") == "赌博")
        #expect(n("w\u{200C}e\u{00AD}chat") == "wechat")
    }

    @Test func removesSeparatorsAndEmojiBetweenHan() {
        #expect(n("赌.博") == "赌博")
        #expect(n("赌 博") == "赌博")
        #expect(n("赌 · 博") == "赌博")
        #expect(n("赌😀博") == "赌博")
        #expect(n("赌❤️博") == "赌博")
        #expect(n("赌\u{3000}博") == "赌博")
    }

    @Test func keepsSeparatorsOutsideHanPairs() {
        #expect(n("www.example.com") == "www.example.com")
        #expect(n("赌 abc") == "赌 abc")
        #expect(n("138 0013 8000") == "138 0013 8000")
    }

    @Test func foldsTraditionalToSimplified() {
        #expect(n("賭博") == "赌博")
        #expect(n("詐騙") == "诈骗")
        #expect(n("傳銷") == "传销")
    }

    @Test func foldsCircledAndParenthesisedLetters() {
        #expect(n("ⓦⓔⓒⓗⓐⓣ") == "wechat")
        #expect(n("⒲⒠⒞⒣⒜⒯") == "wechat")
        #expect(n("🅦🅔🅒🅗🅐🅣") == "wechat")
    }

    @Test func foldsCyrillicAndGreekLookAlikes() {
        #expect(n("wесhаt") == "wechat")  // Cyrillic е, с, а
        #expect(n("qq ορρο") == "qq oppo")  // Greek ο, ρ
        #expect(n("ᴡᴇᴄʜᴀᴛ") == "wechat")
    }

    @Test func foldsDigitVariants() {
        #expect(n("①③⑧") == "138")
        #expect(n("⑴⑵⑶") == "123")
        #expect(n("𝟏𝟑𝟖") == "138")
        #expect(n("¹²³") == "123")
    }

    @Test func removesDiacritics() {
        #expect(n("dǔbó") == "dubo")
    }

    @Test func squeezesRepeatedHanAndLetters() {
        #expect(n("赌赌赌博博博") == "赌博")
        #expect(n("谢谢") == "谢谢")
        #expect(n("稳稳稳赚") == "稳赚")
        #expect(n("vvvvx") == "vx")
        #expect(n("www") == "www")
    }

    @Test func neverSqueezesDigits() {
        #expect(n("13800000000") == "13800000000")
    }

    @Test func mapsNormalisedRangesBackToOriginalScalarOffsets() {
        let text = "来 賭.博 吧"
        let normalized = normalizer.normalize(text)
        #expect(normalized.text == "来赌博吧")
        #expect(normalized.originalRange(of: "赌博") == 2..<5)
        #expect(normalized.originalRange(of: "来") == 0..<1)
    }

    @Test func mapsSqueezedRunsToTheWholeOriginalRun() {
        let normalized = normalizer.normalize("x赌赌赌博")
        #expect(normalized.text == "x赌博")
        #expect(normalized.originalRange(of: "赌") == 1..<4)
        #expect(normalized.originalRange(of: "赌博") == 1..<5)
    }

    @Test func mapsOffsetsAcrossAstralAndZeroWidthScalars() {
        let normalized = normalizer.normalize("😀 ｗ\u{200B}ｅ\u{200B}ｃｈａｔ")
        #expect(normalized.text == "😀 wechat")
        #expect(normalized.originalRange(of: "wechat") == 2..<10)
    }

    @Test func mapsExpansionsToTheirSingleOriginalScalar() {
        let normalized = normalizer.normalize("ﬁ賭博㈱")
        #expect(normalized.text == "fi赌博株")
        #expect(normalized.originalRange(of: "fi") == 0..<1)
        #expect(normalized.originalRange(of: "i赌") == 0..<2)
        #expect(normalized.originalRange(of: "赌博株") == 1..<4)
    }

    @Test func isIdempotentOnNormalisedText() {
        for s in ["賭.博", "ⓦⓔⓒⓗⓐⓣ", "赌赌赌博", "Ｖ信：abc123", "加 微 信"] {
            #expect(n(n(s)) == n(s))
        }
    }
}
