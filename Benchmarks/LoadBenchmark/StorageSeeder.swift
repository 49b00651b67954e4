import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Seeds a registry in seconds by writing distribution's filesystem storage layout directly,
/// instead of pushing every blob and manifest through the API:
///
/// ```
/// docker/registry/v2/blobs/sha256/<xx>/<hex>/data                        manifests, configs, layers
/// docker/registry/v2/repositories/<name>/_manifests/revisions/sha256/<hex>/link
/// docker/registry/v2/repositories/<name>/_manifests/tags/<tag>/current/link
/// docker/registry/v2/repositories/<name>/_manifests/tags/<tag>/index/sha256/<hex>/link
/// docker/registry/v2/repositories/<name>/_layers/sha256/<hex>/link      every blob a manifest names
/// ```
///
/// Each link file holds `sha256:<hex>`. The registry reads these on every request (no cache is
/// configured), so writing them under a running registry is the same as pushing; `skopeo` checks
/// a sample afterwards.
///
/// Per repository, tag position `i` is, in this order of precedence: every 5th a second tag of the
/// manifest made just before (a fifth of the tags share a manifest); every 50th a cosign-style
/// signature `sha256-<hex>.sig` of the manifest made just before; every 10th a two-platform OCI
/// index; otherwise an OCI image of its own. Every image has a small config whose `created` is
/// spread over `span` (repositories interleaved) and one tiny layer, shared by the even images of a
/// repository and the image's own for the odd ones.
struct StorageSeeder {
    /// What a tag is.
    enum Kind: String, Sendable, CaseIterable {
        case image, alias, index, signature
    }

    /// One tag as written.
    struct Tag: Sendable {
        var name: String
        /// `sha256:<hex>` of the manifest it points to.
        var digest: String
        var kind: Kind
        /// The config's `created` (of the amd64 child for an index); nil for signatures.
        var created: String?
    }

    /// One repository as written.
    struct Repository: Sendable {
        var name: String
        var tags: [Tag] = []
        /// The children of every index (`sha256:<hex>`), which a client fetches by digest.
        var indexChildren: [String] = []
        /// Every distinct config (`sha256:<hex>`): images, index children, signatures.
        var configs: [String] = []
        /// Every manifest (`sha256:<hex>`).
        var manifests: [String] = []
    }

    /// What was written.
    struct Contents: Sendable {
        var repositories: [Repository]
        var files: Int
        var bytes: Int
        var duration: Duration

        var tagCount: Int { repositories.reduce(0) { $0 + $1.tags.count } }
        var manifestCount: Int { repositories.reduce(0) { $0 + $1.manifests.count } }
        var configCount: Int { repositories.reduce(0) { $0 + $1.configs.count } }
        func count(_ kind: Kind) -> Int { repositories.reduce(0) { $0 + $1.tags.filter { $0.kind == kind }.count } }
    }

    var tags: Int
    var repositories: Int
    var now: Date
    var span: TimeInterval = 2 * 365 * 86400

    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let ociConfig = "application/vnd.oci.image.config.v1+json"
    static let ociLayer = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let cosignLayer = "application/vnd.dev.cosign.simplesigning.v1+json"

    /// Repository names: `app-00`, `app-01`, …
    static func repositoryName(_ number: Int, of count: Int) -> String {
        let width = max(2, String(count - 1).count)
        let digits = String(number)
        return "app-" + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Writes everything under `root` (the registry's `rootdirectory`).
    func write(into root: String) throws -> Contents {
        let clock = ContinuousClock()
        let started = clock.now
        var writer = FileWriter(root: root + "/docker/registry/v2")
        var written: [Repository] = []
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        for number in 0..<repositories {
            let count = tags / repositories + (number < tags % repositories ? 1 : 0)
            var repository = Repository(name: Self.repositoryName(number, of: repositories))
            var seeder = RepositorySeeder(name: repository.name, writer: writer)
            let base = try seeder.blob(Array(Self.filler("base-layer:\(repository.name)", bytes: 64)))
            var last: (digest: String, created: String?)?
            for position in 0..<count {
                let fraction = (Double(position) + Double(number) / Double(repositories)) / Double(max(1, count))
                let created = formatter.string(from: now.addingTimeInterval(-span * (1 - fraction) - 3600))
                let layer =
                    position % 2 == 0
                    ? base : try seeder.blob(Array(Self.filler("layer:\(repository.name):\(position)", bytes: 64)))
                if position % 5 == 4, let target = last {
                    let name = "sha-" + target.digest.dropFirst("sha256:".count).prefix(12)
                    try seeder.tag(name, target.digest)
                    repository.tags.append(
                        Tag(name: name, digest: target.digest, kind: .alias, created: target.created))
                } else if position % 50 == 48, let subject = last {
                    let signature = try seeder.signature(of: subject.digest, repository: repository.name)
                    let name = "sha256-" + subject.digest.dropFirst("sha256:".count) + ".sig"
                    try seeder.tag(name, signature)
                    repository.tags.append(Tag(name: name, digest: signature, kind: .signature, created: nil))
                } else if position % 10 == 7 {
                    let amd64 = try seeder.image(
                        label: "\(repository.name):\(position):amd64", architecture: "amd64", variant: nil,
                        created: created, layer: layer)
                    let arm64 = try seeder.image(
                        label: "\(repository.name):\(position):arm64", architecture: "arm64", variant: "v8",
                        created: created, layer: layer)
                    let index = try seeder.index([
                        (amd64, "\"architecture\":\"amd64\",\"os\":\"linux\""),
                        (arm64, "\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\""),
                    ])
                    let name = "1.\(position).0"
                    try seeder.tag(name, index)
                    repository.tags.append(Tag(name: name, digest: index, kind: .index, created: created))
                    repository.indexChildren += [amd64.digest, arm64.digest]
                    last = (index, created)
                } else {
                    let image = try seeder.image(
                        label: "\(repository.name):\(position)", architecture: "amd64", variant: nil, created: created,
                        layer: layer)
                    let name = "1.\(position).0"
                    try seeder.tag(name, image.digest)
                    repository.tags.append(Tag(name: name, digest: image.digest, kind: .image, created: created))
                    last = (image.digest, created)
                }
            }
            repository.configs = seeder.configs
            repository.manifests = seeder.manifests
            writer = seeder.writer
            written.append(repository)
        }
        return Contents(repositories: written, files: writer.files, bytes: writer.bytes, duration: clock.now - started)
    }

    /// `bytes` reproducible pseudo-random bytes derived from `seed`.
    static func filler(_ seed: String, bytes: Int) -> Data {
        var data = Data()
        var block = Data(SHA256.hash(data: Data(seed.utf8)))
        while data.count < bytes {
            data.append(block)
            block = Data(SHA256.hash(data: block))
        }
        return data.prefix(bytes)
    }
}

/// Writes one repository's blobs and links.
struct RepositorySeeder {
    let name: String
    var writer: FileWriter
    var configs: [String] = []
    var manifests: [String] = []
    private var linkedBlobs: Set<String> = []

    init(name: String, writer: FileWriter) {
        self.name = name
        self.writer = writer
    }

    private var repositoryRoot: String { "repositories/\(name)" }

    /// Stores a blob and links it into the repository's `_layers`; returns `sha256:<hex>`.
    mutating func blob(_ bytes: [UInt8]) throws -> String {
        let hex = FileWriter.sha256Hex(bytes)
        try writer.writeBlob(hex: hex, bytes)
        if linkedBlobs.insert(hex).inserted {
            try writer.write("\(repositoryRoot)/_layers/sha256/\(hex)/link", Array("sha256:\(hex)".utf8))
        }
        return "sha256:" + hex
    }

    /// Stores a manifest and its revision link; returns `(digest, size)`.
    mutating func manifest(_ text: String) throws -> (digest: String, size: Int) {
        let bytes = Array(text.utf8)
        let hex = FileWriter.sha256Hex(bytes)
        try writer.writeBlob(hex: hex, bytes)
        try writer.write("\(repositoryRoot)/_manifests/revisions/sha256/\(hex)/link", Array("sha256:\(hex)".utf8))
        manifests.append("sha256:" + hex)
        return ("sha256:" + hex, bytes.count)
    }

    /// Points a tag at a manifest: its `current` link and its `index` entry.
    mutating func tag(_ tag: String, _ digest: String) throws {
        let hex = digest.dropFirst("sha256:".count)
        let link = Array(digest.utf8)
        try writer.write("\(repositoryRoot)/_manifests/tags/\(tag)/current/link", link)
        try writer.write("\(repositoryRoot)/_manifests/tags/\(tag)/index/sha256/\(hex)/link", link)
    }

    /// An OCI image: config (with `created`) and one layer.
    mutating func image(
        label: String, architecture: String, variant: String?, created: String, layer: String
    ) throws -> (digest: String, size: Int) {
        let variantField = variant.map { "\"variant\":\"\($0)\"," } ?? ""
        let config = Array(
            """
            {"architecture":"\(architecture)",\(variantField)\
            "config":{"Labels":{"io.regsweep.bench":"\(label)"}},"created":"\(created)","os":"linux",\
            "rootfs":{"type":"layers","diff_ids":["\(layer)"]}}
            """.utf8)
        let configDigest = try blob(config)
        configs.append(configDigest)
        return try manifest(
            """
            {"schemaVersion":2,"mediaType":"\(StorageSeeder.ociManifest)",\
            "config":{"mediaType":"\(StorageSeeder.ociConfig)","digest":"\(configDigest)","size":\(config.count)},\
            "layers":[{"mediaType":"\(StorageSeeder.ociLayer)","digest":"\(layer)","size":64}]}
            """)
    }

    /// An OCI index of the given children, each with its platform's JSON fields.
    mutating func index(_ children: [((digest: String, size: Int), String)]) throws -> String {
        let entries = children.map { child, platform in
            """
            {"mediaType":"\(StorageSeeder.ociManifest)","digest":"\(child.digest)","size":\(child.size),\
            "platform":{\(platform)}}
            """
        }
        return try manifest(
            """
            {"schemaVersion":2,"mediaType":"\(StorageSeeder.ociIndex)","manifests":[\(entries.joined(separator: ","))]}
            """
        ).digest
    }

    /// A cosign-style signature of `subject`: a simple-signing payload layer with a signature
    /// annotation, and cosign's near-empty config.
    mutating func signature(of subject: String, repository: String) throws -> String {
        let payload = Array(
            """
            {"critical":{"identity":{"docker-reference":"127.0.0.1/\(repository)"},\
            "image":{"docker-manifest-digest":"\(subject)"},"type":"cosign container image signature"},"optional":null}
            """.utf8)
        let layer = try blob(payload)
        let config = Array(
            """
            {"architecture":"","config":{},"created":"0001-01-01T00:00:00Z",\
            "history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["\(layer)"]}}
            """.utf8)
        let configDigest = try blob(config)
        configs.append(configDigest)
        let signature = StorageSeeder.filler("signature:\(subject)", bytes: 48).base64EncodedString()
        return try manifest(
            """
            {"schemaVersion":2,"mediaType":"\(StorageSeeder.ociManifest)",\
            "config":{"mediaType":"\(StorageSeeder.ociConfig)","digest":"\(configDigest)","size":\(config.count)},\
            "layers":[{"mediaType":"\(StorageSeeder.cosignLayer)","digest":"\(layer)","size":\(payload.count),\
            "annotations":{"dev.cosignproject.cosign/signature":"\(signature)"}}]}
            """
        ).digest
    }
}

/// Plain POSIX file writes (FileManager costs several system calls more per file, and the
/// 100,000-tag layout is about a million files).
struct FileWriter {
    let root: String
    private(set) var files = 0
    private(set) var bytes = 0
    private var blobs: Set<String> = []

    init(root: String) {
        self.root = root
    }

    struct WriteFailure: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
    }

    /// Writes `blobs/sha256/<xx>/<hex>/data` once.
    mutating func writeBlob(hex: String, _ content: [UInt8]) throws {
        guard blobs.insert(hex).inserted else { return }
        try write("blobs/sha256/\(hex.prefix(2))/\(hex)/data", content)
    }

    /// Writes `content` to `root/relative`, making the folders on the way.
    mutating func write(_ relative: String, _ content: [UInt8]) throws {
        let path = root + "/" + relative
        var descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if descriptor < 0 && errno == ENOENT {
            try Self.makeDirectories(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]))
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        guard descriptor >= 0 else { throw WriteFailure(path: path, code: errno) }
        defer { close(descriptor) }
        var offset = 0
        while offset < content.count {
            let count = content.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, content.count - offset)
            }
            guard count > 0 else { throw WriteFailure(path: path, code: errno) }
            offset += count
        }
        files += 1
        bytes += content.count
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw WriteFailure(path: path, code: errno)
        }
        try makeDirectories(String(path[..<slash]))
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw WriteFailure(path: path, code: errno) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The lowercase hex SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
