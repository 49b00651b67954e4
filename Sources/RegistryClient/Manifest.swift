import Foundation

/// What kind of document a manifest is.
public enum ManifestKind: String, Sendable, Codable {
    /// A single image: a config and layers (OCI or Docker schema2). Artifacts such as signatures too.
    case image
    /// An index or manifest list: one entry per platform (or per artifact).
    case index
    /// The legacy Docker schema1 format; recognised, not interpreted.
    case schema1
    /// Anything else the registry returned.
    case unknown
}

/// A manifest as stored in the registry: its exact bytes plus the fields regsweep reads from them.
///
/// The raw `body` is kept because the digest is defined over those bytes, and because the journal
/// must be able to put the very same manifest back.
public struct Manifest: Sendable {
    public let digest: Digest
    public let mediaType: String
    public let body: Data
    public let kind: ManifestKind
    public let config: Descriptor?
    public let layers: [Descriptor]
    /// The children of an index or manifest list.
    public let manifests: [Descriptor]
    /// OCI 1.1: the manifest this one refers to (a signature, SBOM, attestation).
    public let subject: Descriptor?
    public let artifactType: String?
    public let annotations: [String: String]
    /// Whether the body alone gives `mediaType` (its own `mediaType` field, or what its fields
    /// imply): parsed again without a Content-Type it is the same manifest, so a copy of it needs no
    /// note of its type beside it.
    public let typeIsInBody: Bool

    /// Parses a manifest body. `contentType` is the response's Content-Type, which wins over the
    /// body's own `mediaType` field; both may be missing on older registries.
    public init(body: Data, digest: Digest, contentType: String?) throws(RegistryError) {
        let document: ManifestDocument
        do {
            document = try JSONDecoder().decode(ManifestDocument.self, from: body)
        } catch {
            throw RegistryError(
                .invalidResponse, "the manifest \(digest) is not valid JSON (\(Self.summary(of: error)))")
        }
        let declared = contentType.map(Self.stripParameters).flatMap { $0.isEmpty ? nil : $0 }
        // What the body alone says; a vague Content-Type defers to the fields, not to the body's
        // own `mediaType`.
        let own = Self.isVague(document.mediaType ?? "") ? Self.inferType(document) : document.mediaType ?? ""
        let type = declared.map { Self.isVague($0) ? Self.inferType(document) : $0 } ?? own
        typeIsInBody = own == type
        self.digest = digest
        self.body = body
        self.mediaType = MediaType.shared(type)
        if MediaType.isIndex(type) {
            kind = .index
        } else if MediaType.isImage(type) {
            kind = .image
        } else if MediaType.isSchema1(type) || document.schemaVersion == 1 {
            kind = .schema1
        } else {
            kind = .unknown
        }
        config = document.config
        layers = document.layers ?? []
        manifests = document.manifests ?? []
        subject = document.subject
        artifactType = document.artifactType ?? (kind == .image ? Self.artifactConfigType(document.config) : nil)
        annotations = document.annotations ?? [:]
    }

    /// The bytes stored: the manifest itself plus, for images, the config and layers.
    public var totalSize: Int64 {
        Int64(body.count) + (config?.size ?? 0) + layers.reduce(0) { $0 + $1.size }
    }

    /// Whether this manifest is a referrer (signature, SBOM, attestation) of another manifest.
    public var isReferrer: Bool { subject != nil }

    private static func stripParameters(_ contentType: String) -> String {
        String(contentType.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// A type that says nothing about the manifest (older registries send these).
    private static func isVague(_ type: String) -> Bool {
        type.isEmpty || type == "application/json" || type == "text/plain"
    }

    private static func inferType(_ document: ManifestDocument) -> String {
        if document.schemaVersion == 1 { return MediaType.dockerSchema1 }
        if document.manifests != nil { return MediaType.ociIndex }
        if document.config != nil { return MediaType.ociManifest }
        return ""
    }

    /// Before OCI 1.1's `artifactType`, artifacts marked themselves by an unusual config media type.
    private static func artifactConfigType(_ config: Descriptor?) -> String? {
        guard let type = config?.mediaType, type != MediaType.ociConfig, type != MediaType.dockerConfig else {
            return nil
        }
        return type == MediaType.ociEmpty ? nil : type
    }

    private static func summary(of error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        default: return "\(error)"
        }
    }
}

/// The union of the fields of every manifest format, decoded leniently.
struct ManifestDocument: Decodable {
    var schemaVersion: Int?
    var mediaType: String?
    var config: Descriptor?
    var layers: [Descriptor]?
    var manifests: [Descriptor]?
    var subject: Descriptor?
    var artifactType: String?
    var annotations: [String: String]?
}
