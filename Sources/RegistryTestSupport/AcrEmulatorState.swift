import Foundation
import RegistryClient

/// Everything `AcrEmulator` stores: repositories with their manifests, tags and attributes, blobs,
/// open uploads. A value type behind one lock (`AcrEmulator` owns the box), so every route sees a
/// consistent registry.
struct AcrEmulatorState {
    struct ManifestRecord {
        var body: Data
        var mediaType: String
        var configMediaType: String?
        var architecture: String?
        var os: String?
        var imageSize: Int64
        /// Children of an index, with their platforms.
        var references: [AcrEmulatorJSON.Reference]
        var created: Date
        var lastUpdated: Date
        var attributes = AcrEmulatorJSON.Attributes()

        var isIndex: Bool { !references.isEmpty || Self.indexTypes.contains(mediaType) }

        static let indexTypes: Set<String> = [
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
        ]
    }

    struct TagRecord {
        var digest: Digest
        var created: Date
        var lastUpdated: Date
        var attributes = AcrEmulatorJSON.Attributes()
    }

    struct Repository {
        var created: Date
        var lastUpdated: Date
        var tags: [String: TagRecord] = [:]
        var manifests: [Digest: ManifestRecord] = [:]
        /// Blobs linked into this repository (content lives in `blobs`, shared).
        var blobs: Set<Digest> = []

        /// The tags pointing at `digest`, sorted.
        func tags(of digest: Digest) -> [String] {
            tags.filter { $0.value.digest == digest }.keys.sorted()
        }
    }

    struct Upload {
        var repository: String
        var data = Data()
    }

    var repositories: [String: Repository] = [:]
    var blobs: [Digest: Data] = [:]
    var uploads: [String: Upload] = [:]
    /// Bytes held in blobs, manifests and uploads: bounded by `Configuration.maximumStoredBytes`.
    var storedBytes = 0

    /// Stores `data` as a blob and links it into `repository` (created when new).
    mutating func linkBlob(_ data: Data, digest: Digest, into repository: String, now: Date) {
        if blobs[digest] == nil {
            blobs[digest] = data
            storedBytes += data.count
        }
        repositories[repository, default: Repository(created: now, lastUpdated: now)].blobs.insert(digest)
    }

    /// Removes a manifest and every tag on it; drops the repository when nothing is left in it.
    mutating func deleteManifest(_ digest: Digest, in name: String) {
        guard var repository = repositories[name], let record = repository.manifests.removeValue(forKey: digest)
        else { return }
        storedBytes -= record.body.count
        repository.tags = repository.tags.filter { $0.value.digest != digest }
        repositories[name] = repository.manifests.isEmpty ? nil : repository
    }

    /// The architecture and OS an image config blob names, if the blob is a JSON object.
    func platform(ofConfig digest: Digest?) -> (architecture: String?, os: String?) {
        guard let digest, let data = blobs[digest],
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return (nil, nil) }
        return (object["architecture"] as? String, object["os"] as? String)
    }
}

/// What ACR reports about a manifest body, read once at PUT time.
struct AcrEmulatorParsedManifest {
    var mediaType: String?
    var config: (digest: Digest, size: Int64, mediaType: String?)?
    var layers: [(digest: Digest, size: Int64)] = []
    var children: [(digest: Digest, architecture: String?, os: String?)] = []

    /// Parses an image manifest or index; nil when the body is not a JSON object.
    init?(_ body: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return nil }
        mediaType = object["mediaType"] as? String
        if let config = object["config"] as? [String: Any],
            let digest = (config["digest"] as? String).flatMap(Digest.init)
        {
            self.config = (digest, Self.size(config["size"]), config["mediaType"] as? String)
        }
        for layer in object["layers"] as? [[String: Any]] ?? [] {
            if let digest = (layer["digest"] as? String).flatMap(Digest.init) {
                layers.append((digest, Self.size(layer["size"])))
            }
        }
        for child in object["manifests"] as? [[String: Any]] ?? [] {
            if let digest = (child["digest"] as? String).flatMap(Digest.init) {
                let platform = child["platform"] as? [String: Any]
                children.append((digest, platform?["architecture"] as? String, platform?["os"] as? String))
            }
        }
    }

    private static func size(_ value: Any?) -> Int64 {
        (value as? NSNumber)?.int64Value ?? 0
    }
}
