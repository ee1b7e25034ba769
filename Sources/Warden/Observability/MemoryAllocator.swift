import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which library serves this process's `malloc`: the executables link jemalloc ahead of glibc
/// (see Package.swift), and the start-up log, `--version` and the benchmarks say which one won,
/// so a figure or a memory graph can be read knowing the allocator behind it.
public enum MemoryAllocator {
    /// "jemalloc", "glibc", or the file name of whichever library defines `malloc`.
    public static var name: String {
        #if canImport(Glibc)
            // RTLD_DEFAULT: the symbol as the process resolves it, interposition included.
            guard let malloc = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc"),
                let maps = ProcFile.read("/proc/self/maps"),
                let file = mappedFile(containing: UInt(bitPattern: malloc), maps: maps)
            else { return "unknown" }
            return libraryName(file)
        #else
            return "system"
        #endif
    }

    /// The file mapped at `address` in a /proc/<pid>/maps listing.
    static func mappedFile(containing address: UInt, maps: String) -> String? {
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let range = fields.first?.split(separator: "-") ?? []
            guard fields.count >= 6, range.count == 2, let start = UInt(range[0], radix: 16),
                let end = UInt(range[1], radix: 16), start <= address, address < end
            else { continue }
            return fields[5...].joined(separator: " ")
        }
        return nil
    }

    /// "jemalloc" or "glibc" for the libraries of those names, else the file name.
    static func libraryName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        if file.hasPrefix("libjemalloc") { return "jemalloc" }
        if file.hasPrefix("libc.so") || file.hasPrefix("libc-") { return "glibc" }
        return file
    }
}
