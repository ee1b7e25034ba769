import CHyperscan
import Foundation

/// One expression of a Hyperscan pattern set.
struct HyperscanPattern: Sendable {
    var expression: String
    var flags: UInt32
}

/// Owns one compiled block-mode Hyperscan database; frees it on deinit.
///
/// Invariant: `raw` is a valid database for the lifetime of the object. A database is read-only
/// once compiled and may be scanned from many threads at once, each with its own scratch.
final class HyperscanDatabase: @unchecked Sendable {
    let raw: OpaquePointer
    /// Pattern ids reported by scans are indexes into the list this was compiled from.
    let patternCount: Int

    /// Compiles `patterns` (ids = their indexes) into one database. Slow for large sets: call it
    /// off the hot path.
    init(patterns: [HyperscanPattern]) throws(HyperscanError) {
        var db: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let count = patterns.count
        let cStrings = patterns.map { strdup($0.expression) }
        defer { cStrings.forEach { free($0) } }
        let flags = patterns.map { CUnsignedInt($0.flags) }
        let ids = (0..<count).map { CUnsignedInt($0) }
        let rc = cStrings.withUnsafeBufferPointer { exprs in
            exprs.withMemoryRebound(to: UnsafePointer<CChar>?.self) { exprs in
                hs_compile_multi(
                    exprs.baseAddress, flags, ids, CUnsignedInt(count), CUnsignedInt(HS_MODE_BLOCK), nil, &db,
                    &compileError)
            }
        }
        guard rc == HS_SUCCESS, let db else {
            throw HyperscanError(compileError: compileError, code: rc)
        }
        raw = db
        patternCount = count
    }

    deinit {
        hs_free_database(raw)
    }

    /// Bytes the compiled database occupies.
    var sizeInBytes: Int {
        var size = 0
        hs_database_size(raw, &size)
        return size
    }

    /// A new scratch space sized for this database.
    func makeScratch() throws(HyperscanError) -> HyperscanScratch {
        var scratch: OpaquePointer?
        let rc = hs_alloc_scratch(raw, &scratch)
        guard rc == HS_SUCCESS, let scratch else {
            throw HyperscanError(code: rc, message: "hs_alloc_scratch failed")
        }
        return HyperscanScratch(raw: scratch)
    }

    /// The most bytes a match of `pattern` can span; `nil` when unbounded or invalid.
    static func maxWidth(of pattern: HyperscanPattern) -> Int32? {
        var info: UnsafeMutablePointer<hs_expr_info_t>?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        guard hs_expression_info(pattern.expression, CUnsignedInt(pattern.flags), &info, &compileError) == HS_SUCCESS,
            let info
        else {
            if let compileError { hs_free_compile_error(compileError) }
            return nil
        }
        defer { free(info) }
        let width = info.pointee.max_width
        return width == UInt32.max || width > UInt32(Int32.max) ? nil : Int32(width)
    }

    /// Checks one expression without building a database (`hs_expression_info`).
    static func validate(_ pattern: HyperscanPattern) -> HyperscanError? {
        var info: UnsafeMutablePointer<hs_expr_info_t>?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let rc = hs_expression_info(pattern.expression, CUnsignedInt(pattern.flags), &info, &compileError)
        if rc != HS_SUCCESS { return HyperscanError(compileError: compileError, code: rc) }
        if let info {
            defer { free(info) }
            if info.pointee.min_width == 0 {
                return HyperscanError(code: HS_COMPILER_ERROR, message: "pattern can match the empty string")
            }
        }
        return nil
    }
}

/// Owns one Hyperscan scratch space; frees it on deinit. Used by one scan at a time.
final class HyperscanScratch {
    let raw: OpaquePointer

    init(raw: OpaquePointer) {
        self.raw = raw
    }

    deinit {
        hs_free_scratch(raw)
    }
}
