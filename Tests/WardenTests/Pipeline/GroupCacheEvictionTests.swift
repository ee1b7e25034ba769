import Testing

@testable import Warden

@Suite struct GroupCacheEvictionTests {
    @Test func aFullCacheLosesATenthPreferringEntriesAlreadyWrittenBack() {
        var cache: [String: Int] = [:]
        for index in 0..<100 { cache["g-\(index)"] = index % 2 }  // 0: written back, 1: unsaved
        ModerationCore.evictTenth(of: &cache, preferring: { $0 == 0 })
        #expect(cache.count == 90)
        #expect(cache.values.filter { $0 == 1 }.count == 50, "every unsaved entry kept while written ones remain")
    }

    @Test func whenTooFewAreCheapOthersGoToo() {
        var cache: [String: Int] = [:]
        for index in 0..<50 { cache["g-\(index)"] = index == 0 ? 0 : 1 }
        ModerationCore.evictTenth(of: &cache, preferring: { $0 == 0 })
        #expect(cache.count == 45)
        #expect(cache["g-0"] == nil)
    }
}
