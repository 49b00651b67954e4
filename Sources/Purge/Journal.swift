import Foundation
import RegistryClient

/// One deletion, recorded before it happens: enough to put the manifest and its tags back.
public struct JournalEntry: Codable, Sendable, Equatable {
    public enum Operation: String, Codable, Sendable {
        /// One tag removed; the manifest stays.
        case tag
        /// A manifest deleted by digest, and with it `tags`.
        case manifest
    }

    public var version = 1
    public var time: Date
    public var registry: String
    public var repository: String
    public var operation: Operation
    public var digest: Digest
    public var mediaType: String
    /// The manifest's exact bytes, base64 in the file.
    public var manifest: Data
    public var tags: [String]

    public init(
        time: Date, registry: String, repository: String, operation: Operation, digest: Digest, mediaType: String,
        manifest: Data, tags: [String]
    ) {
        self.time = time
        self.registry = registry
        self.repository = repository
        self.operation = operation
        self.digest = digest
        self.mediaType = mediaType
        self.manifest = manifest
        self.tags = tags
    }
}

/// An append-only JSON Lines file of deletions. Each entry is written and flushed to disk before
/// the deletion it describes is sent, so a crash never loses a deletion from the record.
public actor Journal {
    public nonisolated let path: String
    private let handle: FileHandle

    public init(path: String) throws(PurgeError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            if !FileManager.default.fileExists(atPath: path) {
                guard
                    FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
                else { throw CocoaError(.fileWriteNoPermission) }
            }
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw PurgeError(
                .journal, "cannot write the journal \(path): \(error.localizedDescription)",
                column: nil)
        }
    }

    /// `$XDG_STATE_HOME/regsweep/journal-<registry>-<time>.jsonl`.
    public static func defaultPath(
        registry: String, now: Date = Date(), environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        let stamp = RFC3339.format(now).replacingOccurrences(of: ":", with: "")
        return StateDirectory.path(environment: environment)
            + "/journal-\(StateDirectory.fileName(registry))-\(stamp).jsonl"
    }

    /// Appends one entry and forces it to disk.
    public func append(_ entry: JournalEntry) throws {
        try append(contentsOf: [entry])
    }

    /// Appends entries and forces them to disk with one sync: the deletions they describe, sent
    /// concurrently afterwards, each have their record on disk first, for the cost of one fsync.
    public func append(contentsOf entries: [JournalEntry]) throws {
        guard !entries.isEmpty else { return }
        var lines = Data()
        for entry in entries {
            lines.append(try encoder.encode(entry))
            lines.append(0x0A)
        }
        try handle.write(contentsOf: lines)
        try handle.synchronize()
    }

    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.dataEncodingStrategy = .base64
        return encoder
    }()

    public func close() {
        try? handle.close()
    }

    /// Reads every entry of a journal file.
    ///
    /// A last line without its newline is a write that a kill cut short: the deletions it
    /// describes were never sent (entries are synced before their DELETEs go out), so it is left
    /// out, and `tornTail` hears how many bytes were ignored.
    public static func read(
        path: String, tornTail: ((Int) -> Void)? = nil
    ) throws(PurgeError) -> [JournalEntry] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PurgeError(.journal, "cannot read the journal \(path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.dataDecodingStrategy = .base64
        var entries: [JournalEntry] = []
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if let last = lines.last, !last.isEmpty {
            tornTail?(last.count)
            lines.removeLast()
        }
        for (number, line) in lines.enumerated() where !line.isEmpty {
            do {
                entries.append(try decoder.decode(JournalEntry.self, from: Data(line)))
            } catch {
                throw PurgeError(.journal, "line \(number + 1) of the journal \(path) is not a journal entry")
            }
        }
        return entries
    }
}
