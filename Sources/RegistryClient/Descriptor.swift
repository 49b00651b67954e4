import Foundation

/// A reference to content by media type, digest and size, as manifests and indexes hold them.
public struct Descriptor: Codable, Hashable, Sendable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var platform: Platform?
    public var artifactType: String?
    public var annotations: [String: String]?

    public init(
        mediaType: String, digest: Digest, size: Int64, platform: Platform? = nil, artifactType: String? = nil,
        annotations: [String: String]? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.platform = platform
        self.artifactType = artifactType
        self.annotations = annotations
    }
}

/// The platform an image is built for, as an index entry or image config states it.
public struct Platform: Codable, Hashable, Sendable, CustomStringConvertible {
    public var architecture: String
    public var os: String
    public var variant: String?
    public var osVersion: String?

    public init(architecture: String, os: String, variant: String? = nil, osVersion: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
        self.osVersion = osVersion
    }

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant
        case osVersion = "os.version"
    }

    /// `os/arch[/variant]`, as docker prints it.
    public var description: String {
        [os, architecture, variant].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
    }
}
