#if canImport(Glibc)
    import Glibc
#endif

/// Reads files under /proc. Foundation's file reading trusts the size `stat` reports, which is 0
/// for them: it returns their first page only (4 KiB), cutting longer ones short.
public enum ProcFile {
    /// The whole file, or nil if it cannot be read (or there is no /proc).
    public static func read(_ path: String) -> String? {
        #if canImport(Glibc)
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { return nil }
                if count == 0 { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(contentsOf: buffer[..<count])
            }
        #else
            return nil
        #endif
    }
}
