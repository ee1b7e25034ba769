import Testing

@testable import Warden

@Suite struct MemoryAllocatorTests {
    let maps = """
        55d1c0a00000-55d1c0a42000 r--p 00000000 08:01 1311 /usr/local/bin/groupwarden
        7f3a10000000-7f3a10021000 rw-p 00000000 00:00 0
        7f3a12400000-7f3a12462000 r-xp 00010000 08:01 2201 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2
        7f3a12600000-7f3a12795000 r-xp 00028000 08:01 2202 /usr/lib/x86_64-linux-gnu/libc.so.6
        7f3a12800000-7f3a12801000 r-xp 00000000 08:01 2203 /opt/my libs/liballoc.so
        """

    @Test func findsTheFileMappedAtAnAddress() {
        #expect(
            MemoryAllocator.mappedFile(containing: 0x7f3a_1240_1000, maps: maps)
                == "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")
        #expect(
            MemoryAllocator.mappedFile(containing: 0x7f3a_1260_0000, maps: maps)
                == "/usr/lib/x86_64-linux-gnu/libc.so.6")
        // The end of a range is outside it; an anonymous mapping names no file.
        #expect(MemoryAllocator.mappedFile(containing: 0x7f3a_1246_2000, maps: maps) == nil)
        #expect(MemoryAllocator.mappedFile(containing: 0x7f3a_1000_0010, maps: maps) == nil)
        #expect(MemoryAllocator.mappedFile(containing: 0x7f3a_1280_0000, maps: maps) == "/opt/my libs/liballoc.so")
    }

    @Test func namesTheAllocatorByItsLibrary() {
        #expect(MemoryAllocator.libraryName("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2") == "jemalloc")
        #expect(MemoryAllocator.libraryName("/lib/x86_64-linux-gnu/libc.so.6") == "glibc")
        #expect(MemoryAllocator.libraryName("/usr/lib/libtcmalloc_minimal.so.4") == "libtcmalloc_minimal.so.4")
    }

    @Test func theRunningProcessNamesALibraryThatIsMapped() {
        // Whatever serves malloc here (the test process does not link jemalloc) is a mapped file.
        #expect(!["unknown", ""].contains(MemoryAllocator.name))
    }
}

extension MemoryAllocatorTests {
    @Test func readsAProcFileToItsEndPastItsFirstPage() throws {
        // /proc files report a size of 0; the listing of this process's mappings is longer than a page.
        let maps = try #require(ProcFile.read("/proc/self/maps"))
        #expect(maps.utf8.count > 4_096)
        #expect(maps.hasSuffix("\n"))
    }
}
