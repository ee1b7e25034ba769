import CHyperscan
import Synchronization

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

    init(scratch: HyperscanScratch) {
        self.scratch = scratch
        matches.reserveCapacity(64)
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
        matches.removeAll(keepingCapacity: true)
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

/// A pool of workspaces for one database: scratch is cloned from a prototype on demand.
final class WorkspacePool: Sendable {
    private let prototype: HyperscanScratchBox
    private let free: Mutex<[ScanWorkspace]>
    private let maxKept: Int

    /// A pool whose scratch fits every database in `databases` (one scratch may serve several
    /// databases when allocated for each of them).
    init(databases: [HyperscanDatabase], maxKept: Int = 64) throws(HyperscanError) {
        var raw: OpaquePointer?
        for db in databases {
            let rc = hs_alloc_scratch(db.raw, &raw)
            guard rc == HS_SUCCESS else { throw HyperscanError(code: rc, message: "hs_alloc_scratch failed") }
        }
        guard let raw else { throw HyperscanError(code: HS_INVALID, message: "no database") }
        let scratch = HyperscanScratch(raw: raw)
        prototype = HyperscanScratchBox(scratch)
        free = Mutex([ScanWorkspace(scratch: try Self.clone(scratch))])
        self.maxKept = maxKept
    }

    private static func clone(_ scratch: HyperscanScratch) throws(HyperscanError) -> HyperscanScratch {
        var copy: OpaquePointer?
        let rc = hs_clone_scratch(scratch.raw, &copy)
        guard rc == HS_SUCCESS, let copy else { throw HyperscanError(code: rc, message: "hs_clone_scratch failed") }
        return HyperscanScratch(raw: copy)
    }

    /// Runs `body` with a workspace nobody else uses meanwhile.
    func withWorkspace<R>(_ body: (ScanWorkspace) -> R) -> R {
        let taken = free.withLock { $0.popLast() }
        let workspace: ScanWorkspace
        if let taken {
            workspace = taken
        } else if let scratch = try? Self.clone(prototype.scratch) {
            workspace = ScanWorkspace(scratch: scratch)
        } else {
            // Cloning a valid scratch fails only when memory is exhausted.
            fatalError("hs_clone_scratch failed: out of memory")
        }
        let result = body(workspace)
        free.withLock { if $0.count < maxKept { $0.append(workspace) } }
        return result
    }
}

/// The prototype scratch, only ever read (cloned) after construction.
private final class HyperscanScratchBox: @unchecked Sendable {
    let scratch: HyperscanScratch
    init(_ scratch: HyperscanScratch) { self.scratch = scratch }
}
