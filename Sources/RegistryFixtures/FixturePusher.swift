import Foundation
import RegistryClient

import struct Crypto.SHA256

/// Pushes synthetic images, indexes and referrers through the real registry API.
///
/// Content is generated from seeds, so the same spec always yields the same digest; layers are
/// opaque bytes (registries do not look inside them), configs are real image configs.
public struct FixturePusher: Sendable {
    public let client: RegistryClient

    public init(client: RegistryClient) {
        self.client = client
    }

    /// Pushes an image and points `tags` at it. Returns the manifest's descriptor.
    @discardableResult
    public func pushImage(repository: String, tags: [String], spec: ImageSpec) async throws -> Descriptor {
        let layer = Self.bytes(seed: "layer:" + spec.seed, count: spec.layerBytes)
        let layerDescriptor = try await client.uploadBlob(
            repository: repository, data: layer, mediaType: MediaType.ociLayerGzip)
        let config = try Self.configJSON(spec: spec, diffID: Digest.sha256(of: layer))
        let configDescriptor = try await client.uploadBlob(
            repository: repository, data: config, mediaType: MediaType.ociConfig)
        var manifest: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": MediaType.ociManifest,
            "config": Self.json(configDescriptor),
            "layers": [Self.json(layerDescriptor)],
        ]
        if let annotated = spec.createdAnnotation {
            manifest["annotations"] = ["org.opencontainers.image.created": RFC3339.format(annotated)]
        }
        let body = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
        return try await put(repository: repository, tags: tags, body: body, mediaType: MediaType.ociManifest)
    }

    /// Pushes one image per child spec, then an index of them tagged with `tags`.
    @discardableResult
    public func pushIndex(
        repository: String, tags: [String], children: [ImageSpec]
    ) async throws -> (
        index: Descriptor, children: [Descriptor]
    ) {
        var descriptors: [Descriptor] = []
        for child in children {
            var descriptor = try await pushImage(repository: repository, tags: [], spec: child)
            descriptor.platform = child.platform
            descriptors.append(descriptor)
        }
        let index: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": MediaType.ociIndex,
            "manifests": descriptors.map(Self.json),
        ]
        let body = try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys])
        let descriptor = try await put(repository: repository, tags: tags, body: body, mediaType: MediaType.ociIndex)
        return (descriptor, descriptors)
    }

    /// Attaches a signature-like referrer to `subject` in the given style. Returns its descriptor.
    @discardableResult
    public func pushReferrer(
        repository: String, subject: Descriptor, style: ReferrerStyle,
        artifactType: String = "application/vnd.dev.cosign.artifact.sig.v1+json"
    ) async throws -> Descriptor {
        let payload = Data("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"\(subject.digest)\"}}}".utf8)
        let payloadDescriptor = try await client.uploadBlob(
            repository: repository, data: payload, mediaType: "application/vnd.dev.cosign.simplesigning.v1+json")
        let empty = try await client.uploadBlob(repository: repository, data: Data("{}".utf8))
        var manifest: [String: Any] = [
            "schemaVersion": 2,
            "mediaType": MediaType.ociManifest,
            "config": Self.json(empty),
            "layers": [Self.json(payloadDescriptor)],
        ]
        switch style {
        case .tagSchema:
            manifest["artifactType"] = artifactType
            manifest["subject"] = Self.json(subject)
            let body = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
            var referrer = try await put(repository: repository, tags: [], body: body, mediaType: MediaType.ociManifest)
            referrer.artifactType = artifactType
            // Keep the tag-schema index up to date, as OCI 1.1 clients do without a referrers API.
            let tag = subject.digest.referrersTag
            var entries: [Descriptor] = []
            if let existing = try? await client.manifest(repository: repository, reference: tag) {
                entries = existing.manifests
            }
            entries.append(referrer)
            let index: [String: Any] = [
                "schemaVersion": 2, "mediaType": MediaType.ociIndex, "manifests": entries.map(Self.json),
            ]
            let indexBody = try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys])
            try await client.putManifest(
                repository: repository, reference: tag, body: indexBody, mediaType: MediaType.ociIndex)
            return referrer
        case .cosignTag(let suffix):
            let body = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
            return try await put(
                repository: repository, tags: [subject.digest.referrersTag + "." + suffix], body: body,
                mediaType: MediaType.ociManifest)
        }
    }

    /// Points `tag` at an existing manifest (by re-putting its exact bytes).
    public func retag(repository: String, tag: String, to digest: Digest) async throws {
        let manifest = try await client.manifest(repository: repository, reference: digest.description)
        try await client.putManifest(
            repository: repository, reference: tag, body: manifest.body, mediaType: manifest.mediaType)
    }

    private func put(repository: String, tags: [String], body: Data, mediaType: String) async throws -> Descriptor {
        let digest = Digest.sha256(of: body)
        if tags.isEmpty {
            try await client.putManifest(
                repository: repository, reference: digest.description, body: body, mediaType: mediaType)
        }
        for tag in tags {
            try await client.putManifest(repository: repository, reference: tag, body: body, mediaType: mediaType)
        }
        return Descriptor(mediaType: mediaType, digest: digest, size: Int64(body.count))
    }

    static func configJSON(spec: ImageSpec, diffID: Digest) throws -> Data {
        var labels = spec.labels
        labels["io.regsweep.synthetic"] = "true"
        var config: [String: Any] = [
            "architecture": spec.platform.architecture,
            "os": spec.platform.os,
            "config": ["Labels": labels, "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"]],
            "rootfs": ["type": "layers", "diff_ids": [diffID.description]],
        ]
        if let variant = spec.platform.variant { config["variant"] = variant }
        if let created = spec.created { config["created"] = RFC3339.format(created) }
        return try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
    }

    static func json(_ descriptor: Descriptor) -> [String: Any] {
        var object: [String: Any] = [
            "mediaType": descriptor.mediaType, "digest": descriptor.digest.description, "size": descriptor.size,
        ]
        if let platform = descriptor.platform {
            var p: [String: Any] = ["architecture": platform.architecture, "os": platform.os]
            if let variant = platform.variant { p["variant"] = variant }
            object["platform"] = p
        }
        if let artifactType = descriptor.artifactType { object["artifactType"] = artifactType }
        return object
    }

    /// Deterministic pseudo-random bytes: SHA-256 in counter mode over the seed.
    static func bytes(seed: String, count: Int) -> Data {
        var data = Data(capacity: count + 32)
        var counter: UInt32 = 0
        while data.count < count {
            var input = Data(seed.utf8)
            withUnsafeBytes(of: counter.bigEndian) { input.append(contentsOf: $0) }
            data.append(contentsOf: SHA256.hash(data: input))
            counter += 1
        }
        return data.prefix(count)
    }
}
