import CHyperscan

/// One raw Hyperscan match over the normalised bytes: pattern id and byte range (`from` is −1
/// when the pattern reports no start; literal starts are derived from the literal's length).
struct RawMatch {
    var pattern: UInt32
    var from: Int32
    var to: Int32
}

/// Everything one scan needs and reuses: the Hyperscan scratch, the normalisation buffers and
/// the match list. Checked out of a `WorkspacePool` by one caller at a time.
final class ScanWorkspace: @unchecked Sendable {
    let scratch: HyperscanScratch
    let buffer = NormalizationBuffer()
    @exclusivity(unchecked) var matches: [RawMatch] = []
    /// The rule matches of the message being classified (kept here so its storage is reused).
    @exclusivity(unchecked) var hits: [CompiledRuleSet.Hit] = []

    init(scratch: HyperscanScratch) {
        self.scratch = scratch
        matches.reserveCapacity(64)
        hits.reserveCapacity(16)
    }

    /// The leftmost start of a match of `finder` that ends exactly at byte `end` of the buffer.
    func leftmostStart(_ finder: HyperscanDatabase, end: Int32) -> Int32? {
        var probe = StartProbe(end: end)
        withUnsafeMutablePointer(to: &probe) { context in
            _ = hs_scan(
                finder.raw, UnsafeRawPointer(buffer.bytes).assumingMemoryBound(to: CChar.self), CUnsignedInt(end), 0,
                scratch.raw, onStartProbe, context)
        }
        return probe.best
    }

    /// Scans the first `buffer.count` bytes of `buffer` with `database`, filling `matches`.
    func scanBuffer(_ database: HyperscanDatabase) {
        if !matches.isEmpty { matches.removeAll(keepingCapacity: true) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = hs_scan(
            database.raw, UnsafeRawPointer(buffer.bytes).assumingMemoryBound(to: CChar.self),
            CUnsignedInt(buffer.count),
            0, scratch.raw, onHyperscanMatch, context)
    }
}

private func onHyperscanMatch(
    id: CUnsignedInt, from: CUnsignedLongLong, to: CUnsignedLongLong, flags: CUnsignedInt,
    context: UnsafeMutableRawPointer?
) -> CInt {
    let workspace = Unmanaged<ScanWorkspace>.fromOpaque(context!).takeUnretainedValue()
    workspace.matches.append(
        RawMatch(pattern: id, from: Int32(truncatingIfNeeded: from), to: Int32(truncatingIfNeeded: to)))
    return 0
}

struct StartProbe {
    var end: Int32
    var best: Int32?
}

private func onStartProbe(
    id: CUnsignedInt, from: CUnsignedLongLong, to: CUnsignedLongLong, flags: CUnsignedInt,
    context: UnsafeMutableRawPointer?
) -> CInt {
    let probe = context!.assumingMemoryBound(to: StartProbe.self)
    if Int32(truncatingIfNeeded: to) == probe.pointee.end {
        let from = Int32(truncatingIfNeeded: from)
        probe.pointee.best = min(probe.pointee.best ?? from, from)
    }
    return 0
}
