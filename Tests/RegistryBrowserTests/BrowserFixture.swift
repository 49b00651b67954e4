import Foundation
import Purge
import RegistryClient
import TUICore

@testable import RegistryBrowser

/// The article's registry in memory, and models over it with a fixed clock.
enum BrowserFixture {
    static let registry = "registry.test"
    /// 2023-06-01 12:00 UTC: every image of the article is about half a year old.
    static let now = day(1, month: 6, year: 2023)

    static func digest(_ name: String) -> Digest { Digest.sha256(of: Data(name.utf8)) }

    static func day(_ day: Int, month: Int = 12, year: Int = 2022) -> Date {
        var components = DateComponents(year: year, month: month, day: day, hour: 12)
        components.timeZone = TimeZone(identifier: "UTC")
        return Calendar(identifier: .gregorian).date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    static func image(_ repository: String, _ name: String, created: Date?) -> ManifestRecord {
        let digest = digest(repository + "/" + name)
        return ManifestRecord(
            digest: digest, mediaType: MediaType.ociManifest, kind: .image, bodySize: name.utf8.count, totalSize: 1_000,
            blobs: [
                BlobRef(digest: Self.digest(name + "/config"), size: 200),
                BlobRef(digest: Self.digest(name + "/layer"), size: 700),
            ],
            platforms: [Platform(architecture: "amd64", os: "linux")],
            time: created.flatMap { TagTime.from($0, source: .configCreated) } ?? .unknown)
    }

    /// The labels of an image's config: its title. The inventory holds none; `send` answers the
    /// model's `.readLabels` with these, as the effects would from the content cache.
    static func labels(ofImage name: String) -> [String: String] { ["org.opencontainers.image.title": name] }

    /// Every fixture image's config labels, by config digest.
    static let configLabels: [Digest: [String: String]] = {
        let names = myAppImages.map(\.0) + anotherAppImages.map(\.0) + ciBuildsImages.map(\.0) + ["orphan"]
        return Dictionary(uniqueKeysWithValues: names.map { (digest($0 + "/config"), labels(ofImage: $0)) })
    }()

    static func repository(_ name: String, _ images: [(String, [String], Date?)]) -> RepositoryInventory {
        var repository = RepositoryInventory(name: name)
        for (image, tags, created) in images {
            let record = Self.image(name, image, created: created)
            repository.manifests[record.digest] = record
            for tag in tags { repository.tags[tag] = record.digest }
        }
        return repository
    }

    /// `my-app`: 1.0.0 2.0.0 prod 3.0.0 4.0.0=dev; newest first 4.0.0 dev 3.0.0 prod 2.0.0 1.0.0.
    static let myApp = repository("my-app", myAppImages)
    static let myAppImages: [(String, [String], Date?)] = [
        ("m1", ["1.0.0"], day(10)), ("m2", ["2.0.0"], day(12)), ("mprod", ["prod"], day(13)),
        ("m3", ["3.0.0"], day(15)), ("m4", ["4.0.0", "dev"], day(18)),
    ]

    /// `another-app`: 1.0.0 2.0.0=dev.
    static let anotherApp = repository("another-app", anotherAppImages)
    static let anotherAppImages: [(String, [String], Date?)] = [
        ("a1", ["1.0.0"], day(11)), ("a2", ["2.0.0", "dev"], day(16)),
    ]

    /// A repository with many tags, for scrolling and typed-count confirmation.
    static let ciBuilds = repository("ci-builds", ciBuildsImages)
    static let ciBuildsImages: [(String, [String], Date?)] = (1...30).map { number in
        (String(format: "b%02d", number), [String(format: "build-%02d", number)], day(number, month: 1, year: 2023))
    }

    /// The article's filter, as the end-to-end test types it.
    static let articleDraft = PolicyDraft(filters: ["my-app:^((?!prod|dev).)*$"], ago: "0d", untagged: true)

    /// A model over the article's registry with everything loaded.
    static func model(
        draft: PolicyDraft = articleDraft, readOnly: Bool = false, width: Int = 100, height: Int = 30,
        unicode: Bool = true, repositories: [RepositoryInventory] = [anotherApp, myApp], select: String? = "my-app"
    ) -> BrowserModel {
        var model = BrowserModel(
            configuration: BrowserConfiguration(
                registry: registry, user: nil, readOnly: readOnly, draft: draft, supportsUnicode: unicode),
            size: Size(width: width, height: height), now: now)
        model.send(.repositoriesListed(repositories.map(\.name)))
        model.send(
            .capabilitiesFound(
                RegistryCapabilities(tagDeletion: .native, deleteEnabled: true, referrersAPI: false, catalog: true)))
        for repository in repositories { model.send(.repositoryLoaded(repository)) }
        if let select, model.visibleRepositories.contains(select) {
            model.selectedRepository = select
            model.selectedTag = nil
            model.selectedManifest = nil
            model.send(.tick(now))
        }
        return model
    }
}

extension BrowserModel {
    /// Applies a message the way a run loop with instant planning would: every plan it asks for is made
    /// and delivered at once, and so are the labels it asks for (`BrowserFixture.configLabels`). Returns the other commands, so tests written before planning left the UI
    /// loop read the same; tests of the asynchronous path call `update` and deliver `.planned` themselves.
    @discardableResult
    mutating func send(_ message: BrowserMessage) -> [BrowserCommand] {
        var queue = update(message)
        var others: [BrowserCommand] = []
        while !queue.isEmpty {
            let command = queue.removeFirst()
            if case .plan(let request) = command {
                queue += update(.planned(request.make()))
            } else if case .readLabels(_, let config) = command {
                queue += update(
                    .labelsRead(config: config.digest, labels: BrowserFixture.configLabels[config.digest] ?? [:]))
            } else {
                others.append(command)
            }
        }
        return others
    }

    /// Sends keys one by one (plans made at once) and returns every other command they asked for.
    @discardableResult
    mutating func press(_ keys: Key...) -> [BrowserCommand] {
        keys.flatMap { send(.key($0)) }
    }

    /// Types text, one key per character.
    @discardableResult
    mutating func type(_ text: String) -> [BrowserCommand] {
        text.flatMap { send(.key(.character($0))) }
    }

    /// The frame as trimmed text lines.
    var lines: [String] { frame().lines(trimmingTrailingSpaces: true) }

    /// The whole frame as one string, for `contains` checks.
    var screen: String { lines.joined(separator: "\n") }
}
