import Foundation
import RegistryClient
import RegistryTestSupport
import Testing

/// `regsweep tag delete` and `manifest delete`, each test on a registry of its own.
@Suite("CLI: deleting")
struct CLIDeleteTests {
    @Test("tag delete 4.0.0 keeps its sibling dev on the same manifest (checked with skopeo)")
    func tagDeleteKeepsSibling() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            let dev = try #require(try await Skopeo.digest(registry, "my-app:dev"))
            #expect(try await Skopeo.digest(registry, "my-app:4.0.0") == dev)
            try await CLI.with { cli in
                let result = try await cli.run([
                    "tag", "delete", "-r", registry.host, "--repository", "my-app", "4.0.0",
                ])
                #expect(result.status == 0, "\(result.summary)")
                #expect(result.lines == ["Deleted \(registry.host)/my-app:4.0.0"], "\(result.summary)")
            }
            #expect(
                try await Skopeo.listTags(registry, repository: "my-app") == ["1.0.0", "2.0.0", "3.0.0", "dev", "prod"])
            #expect(try await Skopeo.digest(registry, "my-app:dev") == dev)
            #expect(try await Skopeo.digest(registry, "my-app:4.0.0") == nil)
            #expect(try await Skopeo.listTags(registry, repository: "another-app") == ["1.0.0", "2.0.0", "dev"])
        }
    }

    @Test("tag delete of several tags")
    func tagDeleteSeveral() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await CLI.with { cli in
                let result = try await cli.run([
                    "tag", "delete", "-r", registry.host, "--repository", "another-app", "1.0.0", "dev",
                ])
                #expect(result.status == 0, "\(result.summary)")
                #expect(
                    result.lines == [
                        "Deleted \(registry.host)/another-app:1.0.0", "Deleted \(registry.host)/another-app:dev",
                    ])
            }
            #expect(try await Skopeo.listTags(registry, repository: "another-app") == ["2.0.0"])
        }
    }

    @Test("tag delete of a tag that does not exist: exit 1, not found, the others still deleted, nothing created")
    func tagDeleteUnknown() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await CLI.with { cli in
                let result = try await cli.run([
                    "tag", "delete", "-r", registry.host, "--repository", "another-app", "9.9.9", "1.0.0",
                ])
                #expect(result.status == 1, "\(result.summary)")
                #expect(result.lines == ["Deleted \(registry.host)/another-app:1.0.0"], "\(result.summary)")
                #expect(result.stderrText.contains("9.9.9"), "\(result.summary)")
                #expect(result.stderrText.contains("not found"), "\(result.summary)")
            }
            #expect(try await Skopeo.listTags(registry, repository: "another-app") == ["2.0.0", "dev"])
        }
    }

    @Test("manifest delete removes the manifest and its tags, nothing else")
    func manifestDelete() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            let prod = try #require(try await Skopeo.digest(registry, "my-app:prod"))
            try await CLI.with { cli in
                let result = try await cli.run([
                    "manifest", "delete", "-r", registry.host, "--repository", "my-app", prod.description,
                ])
                #expect(result.status == 0, "\(result.summary)")
                #expect(result.lines == ["Deleted \(registry.host)/my-app@\(prod)"], "\(result.summary)")

                let again = try await cli.run([
                    "manifest", "delete", "-r", registry.host, "--repository", "my-app", prod.description,
                ])
                #expect(again.status == 1, "\(again.summary)")
                #expect(again.stderrText.contains("Error:"))
                #expect(again.stderrText.contains("not found"), "\(again.summary)")
            }
            #expect(
                try await Skopeo.listTags(registry, repository: "my-app") == [
                    "1.0.0", "2.0.0", "3.0.0", "4.0.0", "dev",
                ])
            #expect(try await Skopeo.digest(registry, "my-app@\(prod)") == nil)
        }
    }

    @Test("deletion disabled: tag delete and manifest delete exit 1 with the storage.delete.enabled hint")
    func deletionDisabled() async throws {
        try await TestRegistry.with(.none, deleteEnabled: false) { registry in
            try await registry.seedArticleScenario()
            let prod = try #require(try await Skopeo.digest(registry, "my-app:prod"))
            try await CLI.with { cli in
                let tag = try await cli.run(["tag", "delete", "-r", registry.host, "--repository", "my-app", "prod"])
                #expect(tag.status == 1, "\(tag.summary)")
                #expect(tag.stderrText.contains("Error:"))
                #expect(tag.stderrText.contains("storage.delete.enabled"), "\(tag.summary)")
                #expect(tag.stdoutText.isEmpty)

                let manifest = try await cli.run([
                    "manifest", "delete", "-r", registry.host, "--repository", "my-app", prod.description,
                ])
                #expect(manifest.status == 1, "\(manifest.summary)")
                #expect(manifest.stderrText.contains("storage.delete.enabled"), "\(manifest.summary)")
            }
            #expect(try await Skopeo.digest(registry, "my-app:prod") == prod, "nothing changed")
            #expect(try await Skopeo.listTags(registry, repository: "my-app").count == 6)
        }
    }
}
