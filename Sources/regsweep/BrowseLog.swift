import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sends standard error to a log file while the browser owns the terminal.
///
/// Log lines (retries, warnings) written to the terminal under curses would tear the screen apart, so
/// while the browser runs they go to a file next to the journals, and are pointed to afterwards.
struct BrowseLog {
    let path: String
    private let savedDescriptor: Int32

    /// Redirects standard error to `path` (appending); nil when that is not possible, in which case
    /// nothing changes.
    init?(path: String) {
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let file = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard file >= 0 else { return nil }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0, dup2(file, STDERR_FILENO) >= 0 else {
            close(file)
            if saved >= 0 { close(saved) }
            return nil
        }
        close(file)
        self.path = path
        self.savedDescriptor = saved
    }

    /// Puts standard error back; returns how many bytes were logged meanwhile.
    func restore(startSize: UInt64) -> UInt64 {
        dup2(savedDescriptor, STDERR_FILENO)
        close(savedDescriptor)
        return Self.size(of: path) - min(startSize, Self.size(of: path))
    }

    static func size(of path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// `$XDG_STATE_HOME/regsweep/browse.log` (or `~/.local/state/regsweep/browse.log`).
    static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/state")
        return "\(base)/regsweep/browse.log"
    }
}
