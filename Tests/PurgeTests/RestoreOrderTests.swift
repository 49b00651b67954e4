import Foundation
import RegistryClient
import Testing

@testable import Purge

@Suite("Restore order: the reverse of deleting")
struct RestoreOrderTests {
    static func entry(
        _ body: String, operation: JournalEntry.Operation = .manifest, tags: [String] = [],
        mediaType: String = MediaType.ociManifest
    ) -> JournalEntry {
        let data = Data(body.utf8)
        return JournalEntry(
            time: Date(timeIntervalSince1970: 0), registry: "r", repository: "app", operation: operation,
            digest: Digest.sha256(of: data), mediaType: mediaType, manifest: data, tags: tags)
    }

    static func image(_ seed: String, subject: Digest? = nil) -> String {
        let subjectJSON =
            subject.map {
                #","subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#($0)","size":1}"#
            } ?? ""
        return
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:\#(String(repeating: "0", count: 64))","size":2},"layers":[],"annotations":{"seed":"\#(seed)"}\#(subjectJSON)}"#
    }

    static func index(_ children: [Digest]) -> String {
        let list = children.map {
            #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#($0)","size":1}"#
        }
        return
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\#(list.joined(separator: ","))]}"#
    }

    @Test("children come back before their index, signatures before the tag-schema index that lists them")
    func dependencies() throws {
        // Deleted in the executor's order: referrers, then indexes, then images.
        let subject = Self.entry(Self.image("subject"), tags: ["1.0"])
        let signature = Self.entry(Self.image("sig", subject: subject.digest))
        let referrersIndex = Self.entry(
            Self.index([signature.digest]), tags: ["sha256-" + subject.digest.hex],
            mediaType: MediaType.ociIndex)
        let amd64 = Self.entry(Self.image("amd64"))
        let arm64 = Self.entry(Self.image("arm64"))
        let multiArch = Self.entry(
            Self.index([amd64.digest, arm64.digest]), tags: ["2.0"], mediaType: MediaType.ociIndex)
        let single = Self.entry(Self.image("kept"), operation: .tag, tags: ["old"])
        let journal = [single, signature, referrersIndex, multiArch, amd64, arm64, subject]

        let order = RestoreOrder.sorted(journal).map(\.digest)
        func position(_ entry: JournalEntry) throws -> Int { try #require(order.firstIndex(of: entry.digest)) }
        #expect(order.count == journal.count)
        #expect(try position(amd64) < position(multiArch))
        #expect(try position(arm64) < position(multiArch))
        #expect(try position(subject) < position(signature))
        #expect(try position(signature) < position(referrersIndex))
        #expect(try position(single) == order.count - 1, "single tags last")
    }

    @Test("within a level, later deletions come back first (the journal reversed)")
    func reversed() {
        let a = Self.entry(Self.image("a"))
        let b = Self.entry(Self.image("b"))
        let c = Self.entry(Self.image("c"))
        #expect(RestoreOrder.sorted([a, b, c]).map(\.digest) == [c.digest, b.digest, a.digest])
    }

    @Test("a body that is not a manifest has no dependencies and does not stop the others")
    func garbage() {
        let broken = Self.entry("not json")
        let fine = Self.entry(Self.image("fine"))
        #expect(RestoreOrder.sorted([broken, fine]).count == 2)
    }
}

@Suite("What was left undone")
struct LeftUndoneTests {
    let digest = Digest.sha256(of: Data("x".utf8))

    @Test("failures and items not done are listed per repository with the command to finish")
    func listed() {
        let result = ExecutionResult(
            registry: "r",
            items: [
                ExecutionItem(repository: "a", target: .tag("1"), outcome: .deleted),
                ExecutionItem(repository: "a", target: .tag("2"), outcome: .failed(error: "reset")),
                ExecutionItem(
                    repository: "b", target: .manifest(digest), outcome: .notDone(reason: "could not re-check")),
                ExecutionItem(repository: "b", target: .tag("3"), outcome: .notDone(reason: "could not re-check")),
                ExecutionItem(repository: "c", target: .tag("4"), outcome: .skipped(reason: "moved")),
            ], journalPath: nil, interrupted: false)
        #expect(!result.succeeded)
        #expect(result.leftUndone.count == 3)
        let lines = ResultReport.leftUndone(result, unreadable: ["d": "timed out"], command: "regsweep purge -r r")
        #expect(lines.first?.hasPrefix("Left undone: 3 of 5 planned deletions, and 1 repositories not listed") == true)
        #expect(lines.contains("  a: 1 tag (reset)"))
        #expect(lines.contains("  b: 1 tag, 1 manifest (could not re-check)"))
        #expect(lines.contains("  d: not listed (timed out)"))
        #expect(!lines.contains { $0.contains("  c:") }, "a safety skip is not left undone")
        #expect(lines.last == "  regsweep purge -r r")
    }

    @Test("safety skips alone leave nothing undone and the run succeeds")
    func skipsSucceed() {
        let result = ExecutionResult(
            registry: "r",
            items: [ExecutionItem(repository: "c", target: .tag("4"), outcome: .skipped(reason: "moved"))],
            journalPath: nil, interrupted: false)
        #expect(result.succeeded)
        #expect(ResultReport.leftUndone(result, unreadable: [:], command: "x").isEmpty)
    }
}

@Suite("When space comes back")
struct SpaceReclaimTests {
    @Test("ACR frees space itself; distribution and every unknown registry need garbage collection")
    func kinds() {
        #expect(SpaceReclaim.of(registry: "myregistry.azurecr.io") == .automatic(registry: "ACR"))
        #expect(SpaceReclaim.of(registry: "MyRegistry.AzureCR.io:443") == .automatic(registry: "ACR"))
        #expect(SpaceReclaim.of(registry: "127.0.0.1:5000") == .garbageCollection)
        #expect(SpaceReclaim.of(registry: "azurecr.io.evil.example") == .garbageCollection)
        #expect(SpaceReclaim.garbageCollection.note.contains("registry garbage-collect"))
        #expect(SpaceReclaim.garbageCollection.freedSuffix == " after garbage collection")
        #expect(SpaceReclaim.automatic(registry: "ACR").freedSuffix.isEmpty)
    }
}

@Suite("Journal")
struct JournalTests {
    @Test("a last line cut short by a kill is left out and reported; whole lines before it are read")
    func tornTail() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(path: path)
        let entries = ["a", "b"].map { RestoreOrderTests.entry(RestoreOrderTests.image($0)) }
        try await journal.append(contentsOf: entries)
        await journal.close()
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"version":1,"time":"2026-"#.utf8))
        try handle.close()
        var ignored = 0
        let read = try Journal.read(path: path) { ignored = $0 }
        #expect(read.map(\.digest) == entries.map(\.digest))
        #expect(ignored == 26)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("a damaged line in the middle is an error naming it, not skipped")
    func damagedMiddle() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("not json\n{}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PurgeError.self) { _ = try Journal.read(path: path) }
    }
}
