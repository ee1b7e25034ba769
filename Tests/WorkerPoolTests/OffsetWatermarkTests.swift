import Testing

@testable import WorkerPool

@Suite struct OffsetWatermarkTests {
    @Test func nothingIsCommittableBeforeAnyRecordIsHandedOut() {
        var watermark = OffsetWatermark()
        #expect(watermark.committableOffset == nil)
        #expect(take(watermark.takeOffsetToStore() == nil))
        #expect(watermark.pendingCount == 0)
    }

    @Test func committableOffsetIsTheFirstUnfinishedRecord() {
        var watermark = OffsetWatermark()
        for offset in Int64(10)...14 { #expect(take(watermark.handOut(offset))) }
        #expect(watermark.committableOffset == 10)
        #expect(take(watermark.complete(10)))
        #expect(watermark.committableOffset == 11)
        #expect(watermark.pendingCount == 4)
    }

    @Test func outOfOrderCompletionHoldsTheWatermarkAtTheOldestUnfinishedRecord() {
        var watermark = OffsetWatermark()
        for offset in Int64(0)...4 { watermark.handOut(offset) }
        watermark.complete(3)
        watermark.complete(1)
        watermark.complete(4)
        #expect(watermark.committableOffset == 0)
        watermark.complete(0)
        #expect(watermark.committableOffset == 2)
        watermark.complete(2)
        #expect(watermark.committableOffset == 5)
        #expect(watermark.pendingCount == 0)
    }

    @Test func offsetGapsAreSkippedOnceEverythingBeforeThemIsFinished() {
        var watermark = OffsetWatermark()
        // 3...6 never arrive (compacted away or transaction markers).
        for offset: Int64 in [1, 2, 7, 8] { watermark.handOut(offset) }
        watermark.complete(1)
        watermark.complete(2)
        #expect(watermark.committableOffset == 7)
        watermark.complete(8)
        #expect(watermark.committableOffset == 7)
        watermark.complete(7)
        #expect(watermark.committableOffset == 9)
    }

    @Test func aRedeliveredOrOlderOffsetIsRefused() {
        var watermark = OffsetWatermark()
        #expect(take(watermark.handOut(5)))
        #expect(take(!watermark.handOut(5)))
        #expect(take(!watermark.handOut(3)))
        #expect(take(!watermark.handOut(-1)))
        #expect(watermark.pendingCount == 1)
    }

    @Test func completingAnUnknownOrFinishedOffsetChangesNothing() {
        var watermark = OffsetWatermark()
        watermark.handOut(1)
        watermark.handOut(2)
        #expect(take(!watermark.complete(7)))
        #expect(take(!watermark.complete(0)))
        #expect(take(watermark.complete(2)))
        #expect(take(!watermark.complete(2)))
        #expect(take(watermark.complete(1)))
        #expect(take(!watermark.complete(1)))
        #expect(watermark.committableOffset == 3)
        #expect(watermark.pendingCount == 0)
    }

    @Test func anOffsetToStoreIsGivenOnlyWhenTheWatermarkMoved() {
        var watermark = OffsetWatermark()
        watermark.handOut(0)
        watermark.handOut(1)
        #expect(take(watermark.takeOffsetToStore() == 0))
        #expect(take(watermark.takeOffsetToStore() == nil))
        watermark.complete(1)
        #expect(take(watermark.takeOffsetToStore() == nil))
        watermark.complete(0)
        #expect(take(watermark.takeOffsetToStore() == 2))
        #expect(take(watermark.takeOffsetToStore() == nil))
    }

    @Test func resetForgetsEverythingAsAfterRevocation() {
        var watermark = OffsetWatermark()
        watermark.handOut(40)
        watermark.handOut(41)
        watermark.complete(40)
        _ = watermark.takeOffsetToStore()
        watermark.reset()
        #expect(watermark == OffsetWatermark())
        #expect(watermark.committableOffset == nil)
        // After reset the partition may be redelivered from an earlier offset.
        #expect(take(watermark.handOut(41)))
        #expect(watermark.committableOffset == 41)
    }

    @Test func aLongRunOfCompletionsKeepsTheWindowCorrect() {
        var watermark = OffsetWatermark()
        for offset in Int64(0)..<10_000 { watermark.handOut(offset) }
        // Complete every odd offset, then every even one in reverse.
        for offset in stride(from: Int64(1), to: 10_000, by: 2) { watermark.complete(offset) }
        #expect(watermark.committableOffset == 0)
        for offset in stride(from: Int64(9_998), through: 2, by: -2) { watermark.complete(offset) }
        #expect(watermark.committableOffset == 0)
        #expect(watermark.isPending(0))
        watermark.complete(0)
        #expect(watermark.committableOffset == 10_000)
        #expect(!watermark.isPending(0))
    }
}
