import Foundation

/// The fields of an image configuration blob that regsweep uses.
public struct ImageConfig: Sendable, Hashable {
    /// When the image was built, if it says so.
    public var created: Date?
    public var architecture: String?
    public var os: String?
    public var variant: String?
    /// `config.Labels`: `org.opencontainers.image.*` and friends.
    public var labels: [String: String]

    public init(
        created: Date? = nil, architecture: String? = nil, os: String? = nil, variant: String? = nil,
        labels: [String: String] = [:]
    ) {
        self.created = created
        self.architecture = architecture
        self.os = os
        self.variant = variant
        self.labels = labels
    }

    /// Parses a config blob. Unknown or malformed `created` values become nil rather than errors:
    /// a config we cannot date is still a config.
    public init(json: Data) throws(RegistryError) {
        struct Document: Decodable {
            struct Inner: Decodable { var Labels: [String: String]? }
            var created: String?
            var architecture: String?
            var os: String?
            var variant: String?
            var config: Inner?
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch {
            throw RegistryError(.invalidResponse, "an image config blob is not valid JSON")
        }
        self.init(
            created: document.created.flatMap(RFC3339.parse), architecture: document.architecture,
            os: document.os, variant: document.variant, labels: document.config?.Labels ?? [:])
    }

    /// The platform the config declares, when it declares one.
    public var platform: Platform? {
        guard let architecture, let os else { return nil }
        return Platform(architecture: architecture, os: os, variant: variant)
    }
}
