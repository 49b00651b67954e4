import Foundation
import RegistryFixtures
import RegistryTestSupport
import Testing

/// What a first-time user meets: help that reads as paragraphs, usage errors, labels, completions.
@Suite("CLI: help, usage errors and labels")
struct CLIPolishTests {
    static let commands: [[String]] = [
        [], ["purge"], ["browse"], ["restore"], ["dev", "seed"], ["manifest", "list"], ["tag", "delete"],
        ["repository", "list"],
    ]

    @Test("--help paragraphs wrap at the terminal width, never mid-sentence; examples stay verbatim")
    func helpParagraphs() async throws {
        try await CLI.with { cli in
            for command in Self.commands {
                let help = try await cli.run(["help"] + command, environment: ["COLUMNS": "100"])
                #expect(help.status == 0, "\(command): \(help.summary)")
                let lines = help.stdoutText.components(separatedBy: "\n")
                let discussion = lines.prefix { !$0.hasPrefix("USAGE:") }
                // A prose line followed by more of its paragraph must be nearly full: a hard break
                // inside the paragraph, re-wrapped by the parser, leaves a short line behind.
                for (index, line) in discussion.enumerated() where index + 1 < discussion.count {
                    let next = discussion[discussion.index(discussion.startIndex, offsetBy: index + 1)]
                    let prose = { (text: String) in !text.isEmpty && !text.hasPrefix(" ") && !text.hasPrefix("OVERVIEW")
                    }
                    if prose(line) && prose(next) {
                        #expect(line.count >= 60, "\(command): short line inside a paragraph: '\(line)'")
                    }
                }
            }
            let purge = try await cli.run(["help", "purge"], environment: ["COLUMNS": "100"])
            #expect(
                purge.lines.contains(
                    "  regsweep purge -r R --filter 'my-app:^((?!prod|dev).)*$' --untagged --ago 0d --dry-run"),
                "\(purge.summary)")
        }
    }

    @Test("a malformed -r is a usage error: exit 64, a sentence that says what to pass, no request")
    func malformedRegistry() async throws {
        try await CLI.with { cli in
            for address in ["http://exa mple.com", "user@host", "a/b", "fe80::1"] {
                let result = try await cli.run(["tag", "list", "-r", address, "--repository", "x"])
                #expect(result.status == 64, "\(address): \(result.summary)")
                #expect(result.stderrText.contains("Error: "), "\(address): \(result.summary)")
                #expect(result.stderrText.contains("-r"), "\(address): \(result.summary)")
            }
        }
    }

    @Test("shell completion scripts generate for bash, zsh and fish")
    func completions() async throws {
        try await CLI.with { cli in
            for shell in ["bash", "zsh", "fish"] {
                let result = try await cli.run(["--generate-completion-script", shell])
                #expect(result.status == 0, "\(shell): \(result.summary)")
                #expect(result.stdoutText.contains("purge"), "\(shell) completes subcommands")
                #expect(result.stdoutText.count > 500, "\(shell)")
            }
        }
    }

    @Test("manifest list calls a tag-schema index a referrers index, not an untagged index")
    func referrersIndexLabel() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.withClient { client in
                let pusher = FixturePusher(client: client)
                let image = try await pusher.pushImage(
                    repository: "signed", tags: ["1.0"],
                    spec: ImageSpec(seed: "signed-label", created: DemoSeed.day(2023, 1, 1)))
                try await pusher.pushReferrer(repository: "signed", subject: image, style: .tagSchema)
            }
            try await CLI.with { cli in
                let result = try await cli.run(["manifest", "list", "-r", registry.host, "--repository", "signed"])
                #expect(result.status == 0, "\(result.summary)")
                let indexRows = result.lines.filter { $0.contains("  referrers index") }
                #expect(indexRows.count == 1, "\(result.summary)")
                #expect(indexRows.first?.contains("tags: sha256-") == true, "\(result.summary)")
            }
        }
    }

    @Test("a real purge says the space comes back only with garbage collection, and names the step")
    func garbageCollectionNote() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await CLI.with { cli in
                let result = try await cli.run([
                    "purge", "-r", registry.host, "--filter", "another-app:^1", "--ago", "0d", "--untagged",
                ])
                #expect(result.status == 0, "\(result.summary)")
                #expect(result.stderrText.contains("Space is not freed yet"), "\(result.summary)")
                #expect(result.stderrText.contains("registry garbage-collect CONFIG.yml"), "\(result.summary)")
                let dryRun = try await cli.run([
                    "purge", "-r", registry.host, "--filter", "my-app:^1", "--ago", "0d", "--dry-run",
                ])
                #expect(!dryRun.stderrText.contains("Space is not freed"), "only after deleting: \(dryRun.summary)")
            }
        }
    }
}
