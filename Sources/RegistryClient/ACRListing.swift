import Foundation

/// One tag as ACR's `/acr/v1/<repo>/_tags` lists it. Built from the registry's answer, which is
/// untrusted: an entry with an invalid name or digest is left out by the listing, never used.
public struct ACRTag: Sendable, Equatable {
    public var name: String
    public var digest: Digest
    public var createdTime: Date?
    /// When the tag was last pushed or moved: what `acr purge` measures ages by.
    public var lastUpdateTime: Date?
    public var lock: LockState

    public init(name: String, digest: Digest, createdTime: Date?, lastUpdateTime: Date?, lock: LockState = .none) {
        self.name = name
        self.digest = digest
        self.createdTime = createdTime
        self.lastUpdateTime = lastUpdateTime
        self.lock = lock
    }
}

/// One manifest as ACR's `/acr/v1/<repo>/_manifests` lists it, untagged ones included.
public struct ACRManifest: Sendable, Equatable {
    public var digest: Digest
    public var imageSize: Int64?
    public var createdTime: Date?
    public var lastUpdateTime: Date?
    public var mediaType: String?
    public var architecture: String?
    public var os: String?
    /// Tags on it; empty for an untagged manifest.
    public var tags: [String]
    public var lock: LockState

    public init(
        digest: Digest, imageSize: Int64? = nil, createdTime: Date? = nil, lastUpdateTime: Date? = nil,
        mediaType: String? = nil, architecture: String? = nil, os: String? = nil, tags: [String] = [],
        lock: LockState = .none
    ) {
        self.digest = digest
        self.imageSize = imageSize
        self.createdTime = createdTime
        self.lastUpdateTime = lastUpdateTime
        self.mediaType = mediaType
        self.architecture = architecture
        self.os = os
        self.tags = tags
        self.lock = lock
    }
}

/// The JSON ACR sends, field for field. Every field is optional: what is missing is unknown, and
/// the conversion to `ACRTag`/`ACRManifest` decides what an entry cannot do without.
enum ACRWire {
    struct Attributes: Decodable {
        var deleteEnabled: Bool?
        var writeEnabled: Bool?
        var readEnabled: Bool?
        var listEnabled: Bool?

        var lock: LockState { LockState(deleteEnabled: deleteEnabled, writeEnabled: writeEnabled) }
    }

    struct Tag: Decodable {
        var name: String?
        var digest: String?
        var createdTime: String?
        var lastUpdateTime: String?
        var changeableAttributes: Attributes?
    }

    struct Manifest: Decodable {
        var digest: String?
        var imageSize: Int64?
        var createdTime: String?
        var lastUpdateTime: String?
        var mediaType: String?
        var architecture: String?
        var os: String?
        var tags: [String]?
        var changeableAttributes: Attributes?
    }

    /// `{"registry", "imageName", "tags": [...]}`.
    struct TagPage: Decodable { var tags: [Tag]? }
    /// `{"registry", "imageName", "manifests": [...]}`.
    struct ManifestPage: Decodable { var manifests: [Manifest]? }
    /// `{"repositories": [...]}`.
    struct CatalogPage: Decodable { var repositories: [String]? }
}
