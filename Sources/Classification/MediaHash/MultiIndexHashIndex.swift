/// A multi-index hashing index over 256-bit PDQ hashes (Norouzi et al.): each hash is split into
/// 16 substrings of 16 bits, and each substring position has its own table from substring value
/// to the ids holding it (compressed: one offsets array of 65,537 entries and one ids array).
///
/// Invariant (pigeonhole): if `distance(a, b) <= d`, some substring of `a` and `b` differs in at
/// most `d / 16` bits. A query therefore enumerates, per substring, every value within `d / 16`
/// bits of its own, reads those buckets, and verifies each candidate's full distance with four
/// popcounts. Results are exact: the same set a linear scan returns. Immutable once built, so it
/// is `Sendable` and safe to query from any number of threads.
public struct MultiIndexHashIndex: Sendable {
    /// The substring count and width; 16 × 16 = 256 bits.
    public static let substringCount = 16
    static let bucketCount = 1 << 16

    /// The indexed hashes; an id is a position in this array.
    public let hashes: [PDQHash]
    /// Per substring: `offsets[s][v]..<offsets[s][v + 1]` is the range of `ids[s]` whose
    /// substring `s` equals `v`.
    private let offsets: [[UInt32]]
    private let ids: [[UInt32]]

    /// Builds the index (counting sort per substring, O(16 · n)).
    public init(hashes: [PDQHash]) {
        precondition(hashes.count < Int(UInt32.max), "too many hashes for 32-bit ids")
        self.hashes = hashes
        var allOffsets: [[UInt32]] = []
        var allIDs: [[UInt32]] = []
        allOffsets.reserveCapacity(Self.substringCount)
        allIDs.reserveCapacity(Self.substringCount)
        for substring in 0..<Self.substringCount {
            var counts = [UInt32](repeating: 0, count: Self.bucketCount + 1)
            for hash in hashes { counts[Int(hash.chunk(substring)) + 1] += 1 }
            for value in 0..<Self.bucketCount { counts[value + 1] += counts[value] }
            var cursor = counts
            var bucketIDs = [UInt32](repeating: 0, count: hashes.count)
            for (id, hash) in hashes.enumerated() {
                let value = Int(hash.chunk(substring))
                bucketIDs[Int(cursor[value])] = UInt32(id)
                cursor[value] += 1
            }
            allOffsets.append(counts)
            allIDs.append(bucketIDs)
        }
        offsets = allOffsets
        ids = allIDs
    }

    /// The ids of every hash within `maxDistance` of `query`, with their distances, nearest
    /// first (ties by id). Each id appears once.
    public func search(_ query: PDQHash, maxDistance: Int) -> [(id: Int, distance: Int)] {
        guard !hashes.isEmpty, maxDistance >= 0 else { return [] }
        let radius = min(maxDistance / Self.substringCount, 16)
        let masks = Self.masks(upToWeight: radius)
        var found: [(id: Int, distance: Int)] = []
        hashes.withUnsafeBufferPointer { stored in
            for substring in 0..<Self.substringCount {
                let value = query.chunk(substring)
                offsets[substring].withUnsafeBufferPointer { starts in
                    ids[substring].withUnsafeBufferPointer { bucketIDs in
                        for mask in masks {
                            let probe = Int(value ^ mask)
                            var position = Int(starts[probe])
                            let end = Int(starts[probe + 1])
                            while position < end {
                                let id = Int(bucketIDs[position])
                                let distance = stored[id].distance(to: query)
                                if distance <= maxDistance { found.append((id, distance)) }
                                position += 1
                            }
                        }
                    }
                }
            }
        }
        // A hash within range usually shares several near substrings: drop the repeats.
        found.sort { ($0.distance, $0.id) < ($1.distance, $1.id) }
        var unique: [(id: Int, distance: Int)] = []
        unique.reserveCapacity(found.count)
        var seen = Set<Int>()
        for entry in found where seen.insert(entry.id).inserted { unique.append(entry) }
        return unique
    }

    /// The reference answer: a linear scan over every hash (for tests and verification).
    public func linearSearch(_ query: PDQHash, maxDistance: Int) -> [(id: Int, distance: Int)] {
        hashes.enumerated().compactMap { id, hash in
            let distance = hash.distance(to: query)
            return distance <= maxDistance ? (id, distance) : nil
        }.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
    }

    /// Every 16-bit mask with at most `weight` bits set (weight 0: just 0).
    static func masks(upToWeight weight: Int) -> [UInt16] {
        if weight < precomputedMasks.count { return precomputedMasks[weight] }
        return computeMasks(upToWeight: weight)
    }

    /// Masks for radius 0...2 (thresholds up to 47), computed once.
    private static let precomputedMasks: [[UInt16]] = (0...2).map { computeMasks(upToWeight: $0) }

    private static func computeMasks(upToWeight weight: Int) -> [UInt16] {
        if weight >= 16 { return (0...UInt16.max).map { $0 } }
        return (0...UInt16.max).filter { $0.nonzeroBitCount <= weight }
    }
}
