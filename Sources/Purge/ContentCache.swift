import Foundation
import RegistryClient

/// An on-disk cache of manifests and config blobs, keyed by digest.
///
/// Content addressed by construction: the bytes under a digest can never change, so entries never
/// go stale and a second run only re-lists tags and re-resolves digests. Reads verify the digest,
/// so a damaged file is a miss, not a wrong answer.
public struct ContentCache: Sendable {
    public let directory: URL?

    /// A cache in `directory`, or a disabled one when nil.
    public init(directory: URL?) {
        self.directory = directory
    }

    /// `$XDG_CACHE_HOME/regsweep` (or `~/.cache/regsweep`).
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ContentCache {
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.cache")
        return ContentCache(directory: URL(fileURLWithPath: base).appendingPathComponent("regsweep"))
    }

    public static let disabled = ContentCache(directory: nil)

    /// The cached bytes and media type for a digest, if present and intact.
    public func read(_ digest: Digest) -> (body: Data, mediaType: String?)? {
        guard let file = path(digest), let body = try? Data(contentsOf: file), digest.matches(body) else {
            return nil
        }
        let type = try? String(contentsOf: file.appendingPathExtension("type"), encoding: .utf8)
        return (body, type)
    }

    /// Stores bytes under their digest. Failures are ignored: the cache only saves time. Folders
    /// are the user's only (0700) and files 0600: what a private registry holds stays private.
    public func write(_ digest: Digest, body: Data, mediaType: String?) {
        guard let file = path(digest), digest.matches(body) else { return }
        try? FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        Self.writePrivately(body, to: file)
        if let mediaType { Self.writePrivately(Data(mediaType.utf8), to: file.appendingPathExtension("type")) }
    }

    /// Writes a file readable by the user only, atomically (a temp file renamed into place).
    private static func writePrivately(_ data: Data, to file: URL) {
        let temporary = file.path + ".tmp-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary, file.path) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }

    private func path(_ digest: Digest) -> URL? {
        guard let directory, digest.hex.count >= 2 else { return nil }
        return directory.appendingPathComponent("blobs").appendingPathComponent(digest.algorithm)
            .appendingPathComponent(String(digest.hex.prefix(2))).appendingPathComponent(digest.hex)
    }
}
