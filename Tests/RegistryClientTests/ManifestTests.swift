import Foundation
import RegistryClient
import Testing

@Suite("Manifest parsing")
struct ManifestTests {
    static let config = "sha256:" + String(repeating: "c", count: 64)
    static let layer = "sha256:" + String(repeating: "1", count: 64)
    static let child1 = "sha256:" + String(repeating: "a", count: 64)
    static let child2 = "sha256:" + String(repeating: "b", count: 64)
    static let subject = "sha256:" + String(repeating: "5", count: 64)

    static let ociImage = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(config)","size":1470},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"\(layer)","size":3000}],
         "annotations":{"org.opencontainers.image.created":"2022-12-18T12:00:00Z"}}
        """

    static let ociIndex = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(child1)","size":500,
          "platform":{"architecture":"amd64","os":"linux"}},
         {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(child2)","size":501,
          "platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}
        """

    static let dockerList = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
         {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"\(child1)","size":528,
          "platform":{"architecture":"amd64","os":"windows","os.version":"10.0.17763.1"}}]}
        """

    static let dockerImage = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
         "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"\(config)","size":7023},
         "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"\(layer)","size":32654}]}
        """

    static let schema1 = """
        {"schemaVersion":1,"name":"my-app","tag":"old","architecture":"amd64",
         "fsLayers":[{"blobSum":"\(layer)"}],"history":[{"v1Compatibility":"{}"}],
         "signatures":[{"header":{"alg":"ES256"},"signature":"abc","protected":"def"}]}
        """

    static let referrer = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json",
         "config":{"mediaType":"application/vnd.oci.empty.v1+json",
          "digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
         "layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"\(layer)","size":120}],
         "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(subject)","size":700}}
        """

    private func parse(_ text: String, contentType: String?) throws -> Manifest {
        let body = Data(text.utf8)
        return try Manifest(body: body, digest: Digest.sha256(of: body), contentType: contentType)
    }

    @Test("an OCI image: config, layers, annotations, size")
    func ociImageManifest() throws {
        let manifest = try parse(Self.ociImage, contentType: MediaType.ociManifest)
        #expect(manifest.kind == .image)
        #expect(manifest.mediaType == MediaType.ociManifest)
        #expect(manifest.config?.digest.description == Self.config)
        #expect(manifest.config?.size == 1470)
        #expect(manifest.layers.map(\.digest.description) == [Self.layer])
        #expect(manifest.manifests.isEmpty)
        #expect(manifest.annotations["org.opencontainers.image.created"] == "2022-12-18T12:00:00Z")
        #expect(manifest.totalSize == Int64(manifest.body.count) + 1470 + 3000)
        #expect(!manifest.isReferrer)
        #expect(manifest.artifactType == nil)
        #expect(manifest.digest == Digest.sha256(of: Data(Self.ociImage.utf8)))
    }

    @Test("an OCI index with platforms")
    func ociIndexManifest() throws {
        let manifest = try parse(Self.ociIndex, contentType: MediaType.ociIndex)
        #expect(manifest.kind == .index)
        #expect(manifest.manifests.map(\.digest.description) == [Self.child1, Self.child2])
        #expect(manifest.manifests.compactMap(\.platform).map(\.description) == ["linux/amd64", "linux/arm64/v8"])
        #expect(manifest.manifests.last?.platform?.variant == "v8")
        #expect(manifest.config == nil && manifest.layers.isEmpty)
    }

    @Test("a Docker v2 manifest list (with os.version) and a Docker v2 image")
    func dockerFormats() throws {
        let list = try parse(Self.dockerList, contentType: MediaType.dockerManifestList)
        #expect(list.kind == .index)
        #expect(list.mediaType == MediaType.dockerManifestList)
        #expect(list.manifests.first?.platform?.osVersion == "10.0.17763.1")
        #expect(list.manifests.first?.platform?.description == "windows/amd64")
        let image = try parse(Self.dockerImage, contentType: MediaType.dockerManifest)
        #expect(image.kind == .image)
        #expect(image.config?.mediaType == MediaType.dockerConfig)
        #expect(image.artifactType == nil)
    }

    @Test(
        "schema1 is recognised, by Content-Type or by its schemaVersion",
        arguments: [MediaType.dockerSchema1Signed, MediaType.dockerSchema1, nil, "application/json"])
    func schema1(contentType: String?) throws {
        let manifest = try parse(Self.schema1, contentType: contentType)
        #expect(manifest.kind == .schema1)
        #expect(MediaType.isSchema1(manifest.mediaType))
    }

    @Test("OCI 1.1 subject and artifactType mark a referrer")
    func referrerManifest() throws {
        let manifest = try parse(Self.referrer, contentType: MediaType.ociManifest)
        #expect(manifest.kind == .image)
        #expect(manifest.isReferrer)
        #expect(manifest.subject?.digest.description == Self.subject)
        #expect(manifest.artifactType == "application/vnd.dev.cosign.artifact.sig.v1+json")
    }

    @Test("before OCI 1.1, an unusual config media type is the artifact type")
    func artifactByConfigType() throws {
        let text = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"\(Self.config)","size":10},
             "layers":[]}
            """
        let manifest = try parse(text, contentType: nil)
        #expect(manifest.artifactType == "application/vnd.cncf.helm.config.v1+json")
        #expect(!manifest.isReferrer)
    }

    @Test("Content-Type parameters are ignored; the header wins over the body's mediaType")
    func contentTypeHandling() throws {
        let withCharset = try parse(Self.ociImage, contentType: MediaType.ociManifest + "; charset=utf-8")
        #expect(withCharset.mediaType == MediaType.ociManifest)
        #expect(withCharset.kind == .image)
        let declared = try parse(Self.dockerImage, contentType: MediaType.ociManifest)
        #expect(declared.mediaType == MediaType.ociManifest)
    }

    @Test("the type is in the body where parsing the body alone gives it; reparsed, it is the same manifest")
    func typeIsInBody() throws {
        let noType = #"{"schemaVersion":2,"config":{"mediaType":"x","digest":"\#(Self.config)","size":1}}"#
        let cases: [(text: String, contentType: String?, inBody: Bool)] = [
            (Self.ociImage, MediaType.ociManifest, true),
            (Self.ociImage, MediaType.ociManifest + "; charset=utf-8", true),
            (Self.ociImage, nil, true), (Self.ociImage, "application/json", true),
            (Self.dockerImage, MediaType.ociManifest, false), (noType, MediaType.dockerManifest, false),
            (noType, nil, true), (noType, MediaType.ociManifest, true), (Self.schema1, nil, true),
        ]
        for (text, contentType, inBody) in cases {
            let manifest = try parse(text, contentType: contentType)
            #expect(manifest.typeIsInBody == inBody, "\(contentType ?? "no Content-Type"): \(text.prefix(40))")
            let again = try parse(text, contentType: inBody ? nil : manifest.mediaType)
            #expect(again.mediaType == manifest.mediaType)
            #expect(again.kind == manifest.kind)
        }
    }

    @Test("without a usable Content-Type the kind is inferred from the body")
    func inferred() throws {
        let noType = """
            {"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"\(Self.child1)","size":1}]}
            """
        #expect(try parse(noType, contentType: nil).kind == .index)
        #expect(try parse(noType, contentType: "application/json").mediaType == MediaType.ociIndex)
        #expect(try parse(Self.ociImage, contentType: "").kind == .image)
        #expect(try parse(#"{"schemaVersion":2}"#, contentType: nil).kind == .unknown)
        #expect(try parse(Self.ociImage, contentType: "application/vnd.example.unknown").kind == .unknown)
    }

    @Test(
        "malformed manifests are an invalidResponse error naming the digest",
        arguments: [
            "{not json", "", "[]", #"{"schemaVersion":"two"}"#, #"{"layers":"none"}"#,
            #"{"config":{"mediaType":"x","digest":"sha256:nothex","size":1}}"#,
        ])
    func malformed(text: String) {
        let body = Data(text.utf8)
        let digest = Digest.sha256(of: body)
        let error = #expect(throws: RegistryError.self) {
            try Manifest(body: body, digest: digest, contentType: MediaType.ociManifest)
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.description.contains(digest.description) == true)
    }
}
