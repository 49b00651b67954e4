import Foundation
import RegistryClient

/// An on-disk cache of manifests and config blobs, keyed by digest.
///
/// Content addressed by construction: the bytes under a digest can never change, so entries never
/// go stale and a second run only re-lists tags and re-resolves digests. Reads verify the digest,
/// so a damaged file is a miss, not a wrong answer.
public struct ContentCache: Sendable {
    public let directory: URL?
    /// `<directory>/blobs/`, as a path: entries are found by string, not by `URL`.
    private let blobs: String?

    /// A cache in `directory`, or a disabled one when nil.
    public init(directory: URL?) {
        self.directory = directory
        blobs = directory.map { $0.path + "/blobs/" }
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
        guard let file = path(digest), let body = Self.contents(of: file), digest.matches(body) else { return nil }
        let type = Self.contents(of: file + ".type").flatMap { String(data: $0, encoding: .utf8) }
        return (body, type)
    }

    /// The cached bytes for a digest, if present and intact, without their media type: one file read,
    /// not two, for a reader that does not need the type (an image config's).
    public func readBody(_ digest: Digest) -> Data? {
        guard let file = path(digest), let body = Self.contents(of: file), digest.matches(body) else { return nil }
        return body
    }

    /// Whether a digest has an entry (not read or verified: a hint that a HEAD will do).
    public func contains(_ digest: Digest) -> Bool {
        guard let file = path(digest) else { return false }
        var info = stat()
        return stat(file, &info) == 0
    }

    /// Stores a manifest under its digest, with its media type only where the body does not give it:
    /// a file fewer per manifest on a cold load, where creating the cache's files was a third of the
    /// client's CPU (perf, 10,000 tags: `open` with `O_CREAT`, ext4 finding a free inode).
    public func write(_ manifest: Manifest) {
        write(manifest.digest, body: manifest.body, mediaType: manifest.typeIsInBody ? nil : manifest.mediaType)
    }

    /// Stores bytes under their digest. Failures are ignored: the cache only saves time. Folders
    /// are the user's only (0700) and files 0600: what a private registry holds stays private.
    ///
    /// The media type goes first, so that whoever finds the body finds its type with it.
    public func write(_ digest: Digest, body: Data, mediaType: String?) {
        guard let file = path(digest), digest.matches(body) else { return }
        if let mediaType { Self.writePrivately(Data(mediaType.utf8), to: file + ".type") }
        Self.writePrivately(body, to: file)
    }

    /// Entries are manifests and configs, a few megabytes at most; a larger file is not one of ours.
    static let largestEntry = 64 << 20

    /// A whole file, read with `open` and `read` on its path. Through `URL` (four
    /// `appendingPathComponent`s, each parsing and validating the URL again) and
    /// `Data(contentsOf:)`, reading the cache took a fifth of a warm load's CPU (perf, 10,000 tags).
    static func contents(of path: String) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size <= largestEntry else {
            return nil
        }
        let size = Int(info.st_size)
        var data = Data(count: size)
        let complete = data.withUnsafeMutableBytes { buffer -> Bool in
            var offset = 0
            while offset < size, let start = buffer.baseAddress {
                let count = Foundation.read(descriptor, start + offset, size - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        return complete ? data : nil
    }

    /// Writes a file readable by the user only, atomically (a temp file renamed into place), making
    /// its folders when they are missing.
    ///
    /// Plain `open`/`write`/`rename`, no `fsync`: a cold load writes two files per manifest and
    /// config, and Foundation's `createFile` synced each one, which blocked the few threads async
    /// work runs on and took a third of a cold load's time. Nothing here needs to survive a crash:
    /// entries are verified against their digest when read, so a torn file is a miss.
    private static func writePrivately(_ data: Data, to path: String) {
        let temporary = path + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 && errno == ENOENT {
            let folder = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { return }
        let complete = data.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return true }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, start + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
        close(descriptor)
        if !complete || rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// The digests the tags of a repository had at the last load: a hint of which tags only need a
    /// HEAD to confirm (their manifest is cached) and which are new (one GET by tag fetches digest
    /// and body at once). Never trusted for more: every digest is confirmed by the registry.
    public func tagHints(registry: String, repository: String) -> [String: Digest] {
        guard let file = hintsPath(registry: registry, repository: repository),
            let data = try? Data(contentsOf: file),
            let decoded = try? JSONDecoder().decode([String: Digest].self, from: data)
        else { return [:] }
        return decoded
    }

    /// Remembers the tags of a repository as just loaded.
    public func writeTagHints(_ hints: [String: Digest], registry: String, repository: String) {
        guard let file = hintsPath(registry: registry, repository: repository),
            let data = try? JSONEncoder().encode(hints)
        else { return }
        Self.writePrivately(data, to: file.path)
    }

    /// `tags/<registry>/<repository>.json`, from names that passed the grammar (no `..`, no `/`
    /// at the ends); the registry's port colon becomes `_`.
    private func hintsPath(registry: String, repository: String) -> URL? {
        guard let directory, ReferenceGrammar.isValidRepository(repository) else { return nil }
        let safeRegistry = String(registry.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
        guard !safeRegistry.hasPrefix(".") else { return nil }
        return directory.appendingPathComponent("tags").appendingPathComponent(safeRegistry)
            .appendingPathComponent(repository + ".json")
    }

    /// `<directory>/blobs/<algorithm>/<first two hex digits>/<hex>`.
    private func path(_ digest: Digest) -> String? {
        let hex = digest.hex
        guard let blobs, hex.utf8.count >= 2 else { return nil }
        return blobs + digest.algorithm + "/" + hex.prefix(2) + "/" + hex
    }
}
