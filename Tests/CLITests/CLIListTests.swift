import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// `regsweep repository list`, `tag list` and `manifest list` against a real registry.
@Suite("CLI: listing")
struct CLIListTests {
    static let myAppTags = ["1.0.0", "2.0.0", "3.0.0", "4.0.0", "dev", "prod"]

    @Test("tag list prints the header and one sorted REGISTRY/REPOSITORY:TAG line per tag")
    func tagListText() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await CLI.with { cli in
                let result = try await cli.run(["tag", "list", "-r", registry.host, "--repository", "my-app"])
                #expect(result.status == 0, "\(result.summary)")
                #expect(
                    result.lines
                        == ["Listing tags for the \"my-app\" repository:"]
                        + Self.myAppTags.map { "\(registry.host)/my-app:\($0)" },
                    "\(result.summary)")
                #expect(result.stderrText.isEmpty, "no progress on a non-terminal stderr: \(result.stderrText)")
                let tags = result.lines.dropFirst().map { String($0.split(separator: ":").last ?? "") }
                #expect(tags == (try await Skopeo.listTags(registry, repository: "my-app")), "skopeo agrees")
            }
        }
    }

    @Test("a reader that goes away (tag list | true) ends nothing badly: exit 0, no crash")
    func closedPipe() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await CLI.with { cli in
                // `true` exits at once without reading: every line regsweep writes meets a closed pipe.
                let command =
                    "set -o pipefail; "
                    + [try CLI.binary(), "tag", "list", "-r", registry.host, "--repository", "my-app"]
                    .map { "'\($0)'" }.joined(separator: " ") + " | true"
                let result = try await ProcessRunner.run(
                    "/bin/bash", ["-c", command], environment: ["HOME": cli.home, "PATH": "/usr/bin:/bin"])
                #expect(result.status == 0, "\(result.summary)")
                #expect(!result.stderrText.contains("Fatal error"), "\(result.summary)")
            }
        }
    }

    @Test("tag list --output json and repository list (text and json)")
    func jsonAndRepositories() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await CLI.with { cli in
                let json = try await cli.run([
                    "tag", "list", "-r", registry.host, "--repository", "another-app", "--output", "json",
                ])
                #expect(json.status == 0, "\(json.summary)")
                struct Listing: Decodable, Equatable {
                    var registry: String
                    var repository: String
                    var tags: [String]
                }
                #expect(
                    try JSONDecoder().decode(Listing.self, from: json.stdout)
                        == Listing(registry: registry.host, repository: "another-app", tags: ["1.0.0", "2.0.0", "dev"]))

                let text = try await cli.run(["repository", "list", "-r", registry.host])
                #expect(text.status == 0, "\(text.summary)")
                #expect(text.lines == ["another-app", "my-app"], "\(text.summary)")

                let names = try await cli.run(["repository", "list", "-r", registry.host, "--output", "json"])
                #expect(names.status == 0, "\(names.summary)")
                #expect(try JSONDecoder().decode([String].self, from: names.stdout) == ["another-app", "my-app"])
            }
        }
    }

    @Test("manifest list shows digests, kinds, platforms of an index, created times and tags")
    func manifestList() async throws {
        try await TestRegistry.with(.none) { registry in
            let platforms = [
                Platform(architecture: "amd64", os: "linux"),
                Platform(architecture: "arm64", os: "linux", variant: "v8"),
            ]
            let created = DemoSeed.day(2023, 6, 1)
            let (index, children) = try await registry.withClient { client in
                try await FixturePusher(client: client).pushIndex(
                    repository: "platform-app", tags: ["2.0", "latest"],
                    children: platforms.map { ImageSpec(seed: "p:\($0)", created: created, platform: $0) })
            }
            try await CLI.with { cli in
                let text = try await cli.run(["manifest", "list", "-r", registry.host, "--repository", "platform-app"])
                #expect(text.status == 0, "\(text.summary)")
                #expect(text.lines.first == "Listing manifests for the \"platform-app\" repository:")
                let indexLine = try #require(
                    text.lines.first { $0.contains("@\(index.digest)") }, "\(text.summary)")
                #expect(indexLine.hasPrefix("\(registry.host)/platform-app@\(index.digest)"))
                #expect(indexLine.contains("index"))
                #expect(indexLine.contains("linux/amd64") && indexLine.contains("linux/arm64/v8"))
                #expect(indexLine.contains("2.0") && indexLine.contains("latest"))
                for (child, platform) in zip(children, platforms) {
                    let line = try #require(text.lines.first { $0.contains("@\(child.digest)") }, "\(text.summary)")
                    #expect(line.contains("image"))
                    #expect(line.contains(platform.description))
                    #expect(line.contains("2023-06-01T12:00:00Z"))
                }

                let json = try await cli.run([
                    "manifest", "list", "-r", registry.host, "--repository", "platform-app", "--output", "json",
                ])
                #expect(json.status == 0, "\(json.summary)")
                struct Row: Decodable {
                    var digest: String
                    var mediaType: String
                    var kind: String
                    var platforms: [String]
                    var created: String?
                    var tags: [String]
                    var children: [String]
                }
                let rows = try JSONDecoder().decode([Row].self, from: json.stdout)
                let indexRow = try #require(rows.first { $0.digest == index.digest.description })
                #expect(indexRow.kind == "index")
                #expect(indexRow.mediaType == MediaType.ociIndex)
                #expect(indexRow.tags.sorted() == ["2.0", "latest"])
                #expect(Set(indexRow.platforms) == ["linux/amd64", "linux/arm64/v8"])
                #expect(indexRow.children == children.map(\.digest.description))
                for (child, platform) in zip(children, platforms) {
                    let row = try #require(rows.first { $0.digest == child.digest.description })
                    #expect(row.kind == "image")
                    #expect(row.platforms == [platform.description])
                    #expect(row.created == "2023-06-01T12:00:00Z")
                }
                #expect(rows.count == 3)
            }
        }
    }

    @Test("manifest list on the article's my-app: one row per manifest, dev and 4.0.0 on one")
    func manifestListArticle() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await CLI.with { cli in
                let result = try await cli.run(["manifest", "list", "-r", registry.host, "--repository", "my-app"])
                #expect(result.status == 0, "\(result.summary)")
                let rows = result.lines.dropFirst()
                #expect(rows.count == 5, "\(result.summary)")
                let newest = try #require(rows.first { $0.contains("2022-12-18T12:00:00Z") }, "\(result.summary)")
                #expect(newest.contains("tags: 4.0.0, dev"))
                #expect(rows.allSatisfy { $0.hasPrefix("\(registry.host)/my-app@sha256:") && $0.contains("image") })
            }
        }
    }

    @Test("--help of every command explains with examples")
    func help() async throws {
        try await CLI.with { cli in
            let root = try await cli.run(["--help"])
            #expect(root.status == 0, "\(root.summary)")
            #expect(root.stdoutText.contains("Examples:"))
            for command in ["repository", "tag", "manifest"] {
                let group = try await cli.run([command, "--help"])
                #expect(group.status == 0, "\(group.summary)")
                #expect(group.stdoutText.contains("list"))
            }
            for command in [
                ["repository", "list"], ["tag", "list"], ["tag", "delete"], ["manifest", "list"],
                ["manifest", "delete"],
            ] {
                let help = try await cli.run(command + ["--help"])
                #expect(help.status == 0, "\(command): \(help.summary)")
                #expect(help.stdoutText.contains("Example"), "\(command) --help has an example")
                #expect(help.stdoutText.contains("regsweep \(command.joined(separator: " ")) -r"), "\(command)")
                #expect(help.stdoutText.contains("--password-stdin"), "\(command)")
            }
        }
    }
}
