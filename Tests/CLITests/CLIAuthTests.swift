import Foundation
import RegistryClient
import RegistryTestSupport
import Testing

/// Credentials on the command line, in the environment and in Docker's config, and that secrets
/// never reach the output.
@Suite("CLI: credentials")
struct CLIAuthTests {
    static let myAppLines = ["1.0.0", "2.0.0", "3.0.0", "4.0.0", "dev", "prod"]

    static func expectedLines(_ registry: TestRegistry) -> [String] {
        ["Listing tags for the \"my-app\" repository:"] + myAppLines.map { "\(registry.host)/my-app:\($0)" }
    }

    @Test(
        "-u USER --password-stdin with Basic, Basic over TLS and token auth; --verbose logs no secret",
        arguments: [TestRegistry.AuthMode.basic, .tlsBasic, .token])
    func passwordStdin(mode: TestRegistry.AuthMode) async throws {
        try await TestRegistry.with(mode) { registry in
            try await registry.seedArticleScenario()
            let username = try #require(registry.username)
            let password = try #require(registry.password)
            try await CLI.with { cli in
                let result = try await cli.run(
                    ["tag", "list", "--verbose"] + registry.registryArguments + [
                        "--repository", "my-app", "-u", username, "--password-stdin",
                    ], stdin: password + "\n")
                #expect(result.status == 0, "\(result.summary)")
                #expect(result.lines == Self.expectedLines(registry), "\(result.summary)")
                #expect(!result.stderrText.isEmpty, "--verbose logs requests")
                for secret in [password, Data("\(username):\(password)".utf8).base64EncodedString()] {
                    #expect(!result.stderrText.contains(secret) && !result.stdoutText.contains(secret))
                }
            }
        }
    }

    @Test("credentials from REGSWEEP_USERNAME/REGSWEEP_PASSWORD and from Docker's config.json")
    func environmentAndDockerConfig() async throws {
        try await TestRegistry.with(.basic) { registry in
            try await registry.seedArticleScenario()
            let username = try #require(registry.username)
            let password = try #require(registry.password)
            try await CLI.with { cli in
                let environment = try await cli.run(
                    ["tag", "list", "-r", registry.host, "--repository", "my-app"],
                    environment: ["REGSWEEP_USERNAME": username, "REGSWEEP_PASSWORD": password])
                #expect(environment.status == 0, "\(environment.summary)")
                #expect(environment.lines == Self.expectedLines(registry))

                let auth = Data("\(username):\(password)".utf8).base64EncodedString()
                try cli.writeDockerConfig(#"{"auths":{"\#(registry.host)":{"auth":"\#(auth)"}}}"#)
                let docker = try await cli.run(["tag", "list", "-r", registry.host, "--repository", "my-app"])
                #expect(docker.status == 0, "\(docker.summary)")
                #expect(docker.lines == Self.expectedLines(registry))
            }
        }
    }

    @Test(
        "a wrong password: exit 1, an Error: line, and the password is not echoed",
        arguments: [
            TestRegistry.AuthMode.basic, .token,
        ])
    func wrongPassword(mode: TestRegistry.AuthMode) async throws {
        try await TestRegistry.with(mode) { registry in
            let username = try #require(registry.username)
            let wrong = "wrong-\(UUID().uuidString)"
            try await CLI.with { cli in
                for arguments in [
                    ["-u", username, "--password-stdin"], ["-u", username, "-p", wrong],
                ] {
                    let result = try await cli.run(
                        ["tag", "list", "-r", registry.host, "--repository", "my-app", "--verbose"] + arguments,
                        stdin: wrong + "\n")
                    #expect(result.status == 1, "\(result.summary)")
                    #expect(result.stderrText.contains("Error:"), "\(result.summary)")
                    #expect(result.stderrText.contains(username), "say who was refused: \(result.summary)")
                    #expect(!result.stderrText.contains(wrong), "\(result.summary)")
                    #expect(!result.stderrText.contains(Data("\(username):\(wrong)".utf8).base64EncodedString()))
                    #expect(result.stdoutText.isEmpty)
                }
            }
        }
    }

    @Test("no credentials for a registry that needs them: exit 1 and how to pass them")
    func missingCredentials() async throws {
        try await TestRegistry.with(.basic) { registry in
            try await CLI.with { cli in
                let result = try await cli.run(["repository", "list", "-r", registry.host])
                #expect(result.status == 1, "\(result.summary)")
                #expect(result.stderrText.hasPrefix("Error:"), "\(result.summary)")
                #expect(result.stderrText.contains("-u") && result.stderrText.contains("--password-stdin"))
            }
        }
    }
}
