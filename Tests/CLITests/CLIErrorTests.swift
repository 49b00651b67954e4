import Foundation
import Testing

/// Usage errors and unreachable registries: exit codes and messages.
@Suite("CLI: errors")
struct CLIErrorTests {
    /// ArgumentParser's exit code for a validation error (EX_USAGE).
    static let usageError: Int32 = 64

    @Test(
        "a bad -r is refused with the expected form",
        arguments: ["registry.example.com/my-app", "user@registry.example.com", "ftp://registry.example.com", ""])
    func badRegistry(registry: String) async throws {
        try await CLI.with { cli in
            let result = try await cli.run(["tag", "list", "-r", registry, "--repository", "x"], timeout: .seconds(20))
            #expect([1, Self.usageError].contains(result.status), "\(result.summary)")
            #expect(result.stderrText.contains("Error:"), "\(result.summary)")
            #expect(
                result.stderrText.contains("-r HOST[:PORT]") || result.stderrText.contains("https://"),
                "\(result.summary)")
            #expect(result.stdoutText.isEmpty)
        }
    }

    @Test("plain HTTP to a non-loopback host is refused and --plain-http is named")
    func plainHTTPRefused() async throws {
        try await CLI.with { cli in
            let result = try await cli.run(["repository", "list", "-r", "http://registry.example.com"])
            #expect([1, Self.usageError].contains(result.status), "\(result.summary)")
            #expect(result.stderrText.contains("--plain-http"), "\(result.summary)")
        }
    }

    @Test("an unreachable registry: exit 1, Error: and a hint")
    func unreachable() async throws {
        let port = try await CLI.closedPort()
        try await CLI.with { cli in
            let result = try await cli.run(
                ["tag", "list", "-r", "127.0.0.1:\(port)", "--repository", "my-app", "--timeout", "5"],
                timeout: .seconds(30))
            #expect(result.status == 1, "\(result.summary)")
            #expect(result.stderrText.hasPrefix("Error:"), "\(result.summary)")
            #expect(result.stderrText.contains("127.0.0.1:\(port)"), "\(result.summary)")
            #expect(result.stderrText.contains("Check the host and port"), "\(result.summary)")
            #expect(result.stderrText.contains("the connection was refused"), "\(result.summary)")
            // The transport's internals are for --verbose only.
            #expect(!result.stderrText.contains("errno"), "\(result.summary)")
            #expect(!result.stderrText.contains("(("), "\(result.summary)")
            #expect(result.stdoutText.isEmpty)
        }
    }

    @Test(
        "bad usage exits with ArgumentParser's code 64 before touching the network",
        arguments: [
            ["manifest", "delete", "-r", "127.0.0.1:1", "--repository", "x", "not-a-digest"],
            ["manifest", "delete", "-r", "127.0.0.1:1", "--repository", "x", "sha256:abc"],
            ["manifest", "delete", "-r", "127.0.0.1:1", "--repository", "x"],
            ["tag", "delete", "-r", "127.0.0.1:1", "--repository", "x"],
            ["tag", "list", "-r", "127.0.0.1:1"],
            ["tag", "list", "--repository", "x"],
            ["tag", "list", "-r", "127.0.0.1:1", "--repository", "x", "--output", "yaml"],
            ["tag", "list", "-r", "127.0.0.1:1", "--repository", "x", "--password-stdin"],
            ["tag", "list", "-r", "127.0.0.1:1", "--repository", "x", "--concurrency", "0"],
        ])
    func usageErrors(arguments: [String]) async throws {
        try await CLI.with { cli in
            let result = try await cli.run(arguments, stdin: "")
            #expect(result.status == Self.usageError, "\(result.summary)")
            #expect(result.stderrText.contains("Error:"), "\(result.summary)")
            #expect(result.stdoutText.isEmpty)
        }
    }

    @Test("a bad digest names the expected form")
    func badDigestMessage() async throws {
        try await CLI.with { cli in
            let result = try await cli.run([
                "manifest", "delete", "-r", "127.0.0.1:1", "--repository", "x", "sha256:4096d3",
            ])
            #expect(result.status == Self.usageError, "\(result.summary)")
            #expect(result.stderrText.contains("'sha256:4096d3' is not a digest"), "\(result.summary)")
            #expect(result.stderrText.contains("64 hex digits"), "\(result.summary)")
        }
    }
}
