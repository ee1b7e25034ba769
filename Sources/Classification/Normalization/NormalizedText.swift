/// A normalised text with the map back to the original: offsets are Unicode scalar offsets into
/// the original text, half-open.
public struct NormalizedText: Sendable {
    /// The normalised text.
    public let text: String
    private let starts: [Int32]
    private let ends: [Int32]

    init(buffer: NormalizationBuffer) {
        text = buffer.string
        starts = (0..<buffer.count).map { Int32(buffer.originalStart(ofByte: $0)) }
        ends = (0..<buffer.count).map { Int32(buffer.originalEnd(ofByte: $0)) }
    }

    /// The original scalar range that the normalised UTF-8 byte range `[from, to)` came from.
    public func originalRange(utf8From from: Int, to: Int) -> Range<Int>? {
        guard from >= 0, to <= starts.count, from < to else { return nil }
        return Int(starts[from])..<Int(ends[to - 1])
    }

    /// The original scalar range of the first occurrence of `needle` in the normalised text.
    public func originalRange(of needle: String) -> Range<Int>? {
        guard let r = text.utf8.firstRange(of: needle.utf8) else { return nil }
        let from = text.utf8.distance(from: text.utf8.startIndex, to: r.lowerBound)
        let to = text.utf8.distance(from: text.utf8.startIndex, to: r.upperBound)
        return originalRange(utf8From: from, to: to)
    }
}
