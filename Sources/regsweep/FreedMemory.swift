#if canImport(Glibc)
    import Glibc
#endif

/// Hands memory the process has freed back to the system.
///
/// glibc keeps freed memory in its arenas for later allocations and gives back little of it on its
/// own. A load leaves a lot behind (responses, decoded JSON, the plans the load superseded): at
/// 100,000 tags about 35 MB of the idle browser's 246 MB resident was such free space (measured by
/// calling `malloc_trim` from a debugger), kept for as long as the browser stays open.
enum FreedMemory {
    /// glibc's `malloc_trim`, looked up at run time: Swift's Glibc module does not declare it, and
    /// another C library may not have it (then this does nothing).
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
            return nil
        #endif
    }()

    static func release() {
        _ = trim?(0)
    }
}
