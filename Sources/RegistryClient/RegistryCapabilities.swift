/// What a registry can do, found out with harmless requests and from the answers to real deletions.
public struct RegistryCapabilities: Sendable, Codable, Equatable {
    /// How a single tag is removed while sibling tags of the same manifest stay.
    public enum TagDeletion: String, Sendable, Codable {
        /// `DELETE /v2/<repo>/manifests/<tag>` works.
        case native
        /// Overwrite the tag with a unique placeholder manifest, then delete that by digest.
        case placeholder
        /// ACR's `DELETE /acr/v1/<repo>/_tags/<tag>`.
        case acr
    }

    /// How tags are removed; nil until the first tag deletion of the run decided it.
    public var tagDeletion: TagDeletion?
    /// Whether deleting manifests is enabled; nil until a deletion answered.
    public var deleteEnabled: Bool?
    /// Whether `GET /v2/<repo>/referrers/<digest>` exists.
    public var referrersAPI: Bool
    /// Whether `_catalog` lists repositories.
    public var catalog: Bool
    /// The API beside `/v2` the registry is spoken to with.
    public var api: RegistryAPI

    public init(
        tagDeletion: TagDeletion?, deleteEnabled: Bool?, referrersAPI: Bool, catalog: Bool, api: RegistryAPI = .oci
    ) {
        self.api = api
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
            api.label, delete, "tag delete: \(tagDeletion?.rawValue ?? "unknown")",
            "referrers: \(referrersAPI ? "API" : "tag schema")",
            catalog ? "catalog" : "no catalog",
        ].joined(separator: " · ")
    }
}
