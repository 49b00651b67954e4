import Foundation
import Purge
import RegistryClient
import Testing

@Suite("ManifestRecord: the fields few manifests have")
struct ManifestRecordTests {
    static let digest = Digest.sha256(of: Array("image".utf8))
    static let subject = Digest.sha256(of: Array("subject".utf8))
    static let referrer = Digest.sha256(of: Array("referrer".utf8))

    @Test("every rare field reads back what was set, and empty again after")
    func roundTrip() {
        var record = ManifestRecord(digest: Self.digest, mediaType: MediaType.ociManifest, kind: .image)
        #expect(record.children.isEmpty && record.subject == nil && record.annotations.isEmpty)
        record.children = [Self.subject]
        record.subject = Self.subject
        record.artifactType = "application/vnd.dev.cosign.artifact.sig.v1+json"
        record.annotations = ["org.opencontainers.image.created": "2026-01-01T00:00:00Z"]
        record.referrers = [Self.referrer]
        record.lock = .delete
        #expect(record.children == [Self.subject])
        #expect(record.subject == Self.subject)
        #expect(record.artifactType == "application/vnd.dev.cosign.artifact.sig.v1+json")
        #expect(record.annotations == ["org.opencontainers.image.created": "2026-01-01T00:00:00Z"])
        #expect(record.referrers == [Self.referrer])
        #expect(record.lock == .delete)
        record.children = []
        record.subject = nil
        record.artifactType = nil
        record.annotations = [:]
        record.referrers = []
        record.lock = .none
        #expect(record.children.isEmpty && record.subject == nil && record.artifactType == nil)
        #expect(record.annotations.isEmpty && record.referrers.isEmpty)
        #expect(record.lock == .none)
    }

    @Test("a copy keeps its values when the original changes (the shared box is copied first)")
    func copiesAreIndependent() {
        var original = ManifestRecord(
            digest: Self.digest, mediaType: MediaType.ociManifest, kind: .image, subject: Self.subject,
            annotations: ["a": "1"])
        let copy = original
        original.referrers.append(Self.referrer)
        original.annotations["b"] = "2"
        original.lock = .write
        #expect(copy.referrers.isEmpty)
        #expect(copy.annotations == ["a": "1"])
        #expect(copy.lock == .none)
        #expect(copy.subject == Self.subject)
        #expect(original.referrers == [Self.referrer])
        #expect(original.annotations == ["a": "1", "b": "2"])
        #expect(original.lock == .write)

        // And the other way round: changing the copy leaves the original alone.
        var second = original
        second.subject = nil
        #expect(original.subject == Self.subject)
        #expect(second.subject == nil)
        #expect(second.referrers == [Self.referrer])
    }

    @Test("the record keeps its inline size small")
    func inlineSize() {
        // The rare fields sit behind one pointer: inline, the record took 240 bytes a manifest.
        #expect(MemoryLayout<ManifestRecord>.stride <= 152)
    }
}
