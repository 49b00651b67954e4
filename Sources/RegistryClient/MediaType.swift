/// The manifest and blob media types regsweep understands.
public enum MediaType {
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    public static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"
    public static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    /// Everything we ask for when fetching a manifest. Without the full list older registries
    /// convert to schema1 on the fly, which has a different digest than the stored manifest.
    /// `manifestAccept` as one `Accept` header value, built once.
    public static let manifestAcceptHeader = manifestAccept.joined(separator: ", ")

    public static let manifestAccept = [
        ociIndex, ociManifest, dockerManifestList, dockerManifest, dockerSchema1Signed, dockerSchema1,
    ]

    /// `type`, as the constant that spells it where it is one of the manifest types we accept: a
    /// type decoded from a body is a string on the heap of its own, held by every manifest of an
    /// inventory; the constant is not on the heap at all.
    public static func shared(_ type: String) -> String {
        manifestAccept.first { $0 == type } ?? type
    }

    /// Whether the type names an index or manifest list (a multi-platform image).
    public static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerManifestList }

    /// Whether the type names a single-image manifest.
    public static func isImage(_ type: String) -> Bool { type == ociManifest || type == dockerManifest }

    /// Whether the type names the legacy schema1 format.
    public static func isSchema1(_ type: String) -> Bool { type == dockerSchema1 || type == dockerSchema1Signed }
}
