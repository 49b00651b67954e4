import Foundation
import RegistryClient

/// The description of a synthetic image: when it was built, for which platform, and a seed that
/// makes its content (and so its digest) distinct and reproducible.
public struct ImageSpec: Sendable {
    public var seed: String
    public var created: Date?
    public var platform: Platform
    public var layerBytes: Int
    public var labels: [String: String]
    /// A manifest-level annotation `org.opencontainers.image.created`, for images whose config has no date.
    public var createdAnnotation: Date?

    public init(
        seed: String, created: Date?, platform: Platform = Platform(architecture: "amd64", os: "linux"),
        layerBytes: Int = 1024, labels: [String: String] = [:], createdAnnotation: Date? = nil
    ) {
        self.seed = seed
        self.created = created
        self.platform = platform
        self.layerBytes = layerBytes
        self.labels = labels
        self.createdAnnotation = createdAnnotation
    }
}

/// How a signature or other referrer is attached to its subject.
public enum ReferrerStyle: Sendable {
    /// OCI 1.1: a manifest with `subject`, listed in the `sha256-<hex>` tag-schema index
    /// (what clients do on registries without the referrers API).
    case tagSchema
    /// cosign's older convention: a manifest tagged `sha256-<hex>.sig` (or `.att`, `.sbom`).
    case cosignTag(suffix: String)
}
