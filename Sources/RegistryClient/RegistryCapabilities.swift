/// What a registry can do, found out without deleting anything real.
public struct RegistryCapabilities: Sendable, Codable, Equatable {
    /// How a single tag is removed while sibling tags of the same manifest stay.
    public enum TagDeletion: String, Sendable, Codable {
        /// `DELETE /v2/<repo>/manifests/<tag>` works.
        case native
        /// Overwrite the tag with a unique placeholder manifest, then delete that by digest.
        case placeholder
    }

    public var tagDeletion: TagDeletion
    /// Whether deleting manifests is enabled; nil when the credentials could not find out.
    public var deleteEnabled: Bool?
    /// Whether `GET /v2/<repo>/referrers/<digest>` exists.
    public var referrersAPI: Bool
    /// Whether `_catalog` lists repositories.
    public var catalog: Bool

    public init(tagDeletion: TagDeletion, deleteEnabled: Bool?, referrersAPI: Bool, catalog: Bool) {
        self.tagDeletion = tagDeletion
        self.deleteEnabled = deleteEnabled
        self.referrersAPI = referrersAPI
        self.catalog = catalog
    }

    /// One line for headers and `--verbose`.
    public var summary: String {
        let delete =
            switch deleteEnabled {
            case true?: "delete enabled"
            case false?: "delete disabled"
            case nil: "delete unknown"
            }
        return [
            delete, "tag delete: \(tagDeletion.rawValue)", "referrers: \(referrersAPI ? "API" : "tag schema")",
            catalog ? "catalog" : "no catalog",
        ].joined(separator: " · ")
    }
}
