import CHyperscan

/// A Hyperscan failure: compiling a pattern set, validating one expression, or allocating scratch.
public struct HyperscanError: Error, Sendable, CustomStringConvertible {
    /// The `hs_error_t` code (`HS_COMPILER_ERROR` = -4 for a bad pattern).
    public let code: Int32
    /// Hyperscan's message.
    public let message: String
    /// Index of the offending pattern in the compiled list, when Hyperscan names one.
    public let patternIndex: Int?

    /// Never retriable: the same input fails the same way.
    public var isRetriable: Bool { false }

    public var description: String {
        "hyperscan error \(code): \(message)" + (patternIndex.map { " (pattern \($0))" } ?? "")
    }

    init(code: Int32, message: String, patternIndex: Int? = nil) {
        self.code = code
        self.message = message
        self.patternIndex = patternIndex
    }

    /// Consumes and frees a compile error.
    init(compileError: UnsafeMutablePointer<hs_compile_error_t>?, code: Int32) {
        if let compileError {
            let message = compileError.pointee.message.map { String(cString: $0) } ?? "unknown compile error"
            let expression = Int(compileError.pointee.expression)
            self.init(code: code, message: message, patternIndex: expression >= 0 ? expression : nil)
            hs_free_compile_error(compileError)
        } else {
            self.init(code: code, message: "hyperscan call failed")
        }
    }
}
