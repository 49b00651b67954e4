import Foundation
import RegistryClient

/// A manifest as `MisbehavingRegistry` stores it: the bytes it serves and the type it claims.
struct StoredManifest: Sendable {
    var body: Data
    var mediaType: String
}

/// One repository: tags to digests, and the manifests it holds.
struct HostileRepository: Sendable {
    var tags: [String: Digest] = [:]
    var manifests: Set<Digest> = []
}

/// Everything `MisbehavingRegistry` serves. Manifests are keyed by the digest the server *claims*
/// for them, which in the lying modes is not the digest of their bytes.
struct HostileContent: Sendable {
    var repositories: [String: HostileRepository] = [:]
    var manifests: [Digest: StoredManifest] = [:]
    var blobs: [Digest: Data] = [:]

    /// Stores a manifest under `digest` (its own sha256 unless given) in `repository`, with tags.
    @discardableResult
    mutating func add(
        _ body: Data, mediaType: String = MediaType.ociManifest, as digest: Digest? = nil, in repository: String,
        tags: [String]
    ) -> Digest {
        let key = digest ?? Digest.sha256(of: body)
        manifests[key] = StoredManifest(body: body, mediaType: mediaType)
        repositories[repository, default: HostileRepository()].manifests.insert(key)
        for tag in tags { repositories[repository, default: HostileRepository()].tags[tag] = key }
        return key
    }

    /// The manifest a reference (tag or digest) names in a repository, with the digest it is known by.
    func resolve(_ reference: String, in repository: String) -> (Digest, StoredManifest)? {
        guard let stored = repositories[repository] else { return nil }
        let digest = Digest(reference).flatMap { stored.manifests.contains($0) ? $0 : nil } ?? stored.tags[reference]
        guard let digest, let manifest = manifests[digest] else { return nil }
        return (digest, manifest)
    }

    /// Deletes a manifest by digest (taking its tags along, as distribution does) or a single tag.
    mutating func delete(_ reference: String, in repository: String) -> Bool {
        guard var stored = repositories[repository] else { return false }
        if let digest = Digest(reference) {
            guard stored.manifests.remove(digest) != nil else { return false }
            stored.tags = stored.tags.filter { $0.value != digest }
        } else {
            guard stored.tags.removeValue(forKey: reference) != nil else { return false }
        }
        repositories[repository] = stored
        return true
    }

    // MARK: Documents

    /// An image config blob.
    static func config(created: String, os: String = "linux", architecture: String = "amd64") -> Data {
        encode([
            "created": created, "architecture": architecture, "os": os,
            "config": ["Labels": ["org.opencontainers.image.title": "hostile"]],
            "rootfs": ["type": "layers", "diff_ids": [] as [String]],
        ])
    }

    /// An OCI image manifest for a config and one (never fetched) layer.
    static func imageManifest(config: Data, layerSeed: String) -> Data {
        let layer = Data(layerSeed.utf8)
        return encode([
            "schemaVersion": 2, "mediaType": MediaType.ociManifest,
            "config": [
                "mediaType": MediaType.ociConfig, "digest": Digest.sha256(of: config).description, "size": config.count,
            ],
            "layers": [
                ["mediaType": MediaType.ociLayerGzip, "digest": Digest.sha256(of: layer).description, "size": 1234]
            ],
        ])
    }

    /// Stable JSON (sorted keys), so digests do not change between runs.
    static func encode(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// `sha512:<hex>` of some bytes.
    static func sha512(of data: Data) -> Digest? {
        Digest.sha512(of: data)
    }
}

/// Names and payloads that attack a terminal: escapes, C0 and C1 controls, NUL.
public enum HostileText {
    /// The OSC window-title sequence every terminal honours.
    public static let titleEscape = "\u{1B}]0;pwned\u{07}"

    /// Repository names with control characters (each also a valid-looking prefix, so it is listed).
    public static let repositories = [
        "evil\(titleEscape)", "clear\u{1B}[2J", "bell\u{07}ring", "clip\u{1B}]52;c;cHduZWQ=\u{07}",
        "cr\rfake", "nul\u{00}byte", "csi\u{9B}31m", "del\u{7F}",
    ]

    /// Tag names with control characters.
    public static let tags = [
        "t\(titleEscape)", "t\u{1B}[2J", "t\u{07}", "t\r\nX-Injected: 1", "t\u{00}", "t\u{9B}2J",
        "t\u{1B}]52;c;cHduZWQ=\u{07}",
    ]

    /// An error message a registry sends, and a platform it claims, with escapes in them.
    public static let errorMessage = "access denied\(titleEscape)\u{1B}[2J\r"
    public static let platformOS = "linux\(titleEscape)"

    /// The characters that must never reach a terminal raw: C0 except tab and newline, DEL, C1.
    public static func rawControlCharacters(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            let value = scalar.value
            if value == 0x09 || value == 0x0A { return false }
            return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value)
        }
    }

    /// The same check on raw output bytes, which need not be valid UTF-8: every offending byte
    /// below 0x80 and every C1 scalar, as values.
    public static func rawControls(in data: Data) -> [UInt32] {
        let low = data.filter { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A) || $0 == 0x7F }.map { UInt32($0) }
        let c1 = rawControlCharacters(in: String(decoding: data, as: UTF8.self)).map(\.value).filter { $0 >= 0x80 }
        return low + c1
    }
}
