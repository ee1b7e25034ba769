import CHyperscan
import Synchronization

/// A pool of workspaces for one database: scratch is cloned from a prototype on demand.
///
/// One workspace sits in a lock-free slot (a single atomic exchange to take it, one to give it
/// back): with one classifying thread, or threads that take turns, no lock is ever taken. Further
/// workspaces wait in a locked list.
final class WorkspacePool: Sendable {
    private let prototype: HyperscanScratchBox
    /// The address of a workspace the pool holds a reference to, or 0.
    private let slot: Atomic<UInt>
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
        let first = ScanWorkspace(scratch: try Self.clone(scratch))
        slot = Atomic(UInt(bitPattern: Unmanaged.passRetained(first).toOpaque()))
        free = Mutex([])
        self.maxKept = maxKept
    }

    deinit {
        if let raw = UnsafeRawPointer(bitPattern: slot.exchange(0, ordering: .acquiring)) {
            Unmanaged<ScanWorkspace>.fromOpaque(raw).release()
        }
    }

    private static func clone(_ scratch: HyperscanScratch) throws(HyperscanError) -> HyperscanScratch {
        var copy: OpaquePointer?
        let rc = hs_clone_scratch(scratch.raw, &copy)
        guard rc == HS_SUCCESS, let copy else { throw HyperscanError(code: rc, message: "hs_clone_scratch failed") }
        return HyperscanScratch(raw: copy)
    }

    /// Runs `body` with a workspace nobody else uses meanwhile.
    func withWorkspace<R>(_ body: (ScanWorkspace) -> R) -> R {
        let address = slot.exchange(0, ordering: .acquiring)
        if let raw = UnsafeRawPointer(bitPattern: address) {
            // The slot's reference stays owned by the pool while `body` runs.
            let taken = Unmanaged<ScanWorkspace>.fromOpaque(raw)
            let result = taken._withUnsafeGuaranteedRef { body($0) }
            if !slot.compareExchange(expected: 0, desired: address, ordering: .releasing).exchanged {
                keep(taken.takeRetainedValue())
            }
            return result
        }
        let workspace = free.withLock { $0.popLast() } ?? Self.newWorkspace(prototype.scratch)
        let result = body(workspace)
        keep(workspace)
        return result
    }

    private func keep(_ workspace: ScanWorkspace) {
        free.withLock { if $0.count < maxKept { $0.append(workspace) } }
    }

    private static func newWorkspace(_ prototype: HyperscanScratch) -> ScanWorkspace {
        guard let scratch = try? clone(prototype) else {
            // Cloning a valid scratch fails only when memory is exhausted.
            fatalError("hs_clone_scratch failed: out of memory")
        }
        return ScanWorkspace(scratch: scratch)
    }
}

/// The prototype scratch, only ever read (cloned) after construction.
private final class HyperscanScratchBox: @unchecked Sendable {
    let scratch: HyperscanScratch
    init(_ scratch: HyperscanScratch) { self.scratch = scratch }
}
