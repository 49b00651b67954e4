import Foundation
import RegistryTestSupport
import Testing

/// HTTPS registries from the command line: `--ca-cert`, and `--insecure` only when asked.
@Suite("CLI: TLS")
struct CLITLSTests {
    @Test("a TLS registry: --ca-cert works; without it a TLS error naming --ca-cert; --insecure works with a warning")
    func tls() async throws {
        try await TestRegistry.with(.tls) { registry in
            try await registry.seedArticleScenario()
            let caCertificate = try #require(registry.caCertificatePath)
            try await CLI.with { cli in
                let trusted = try await cli.run(["repository", "list", "-r", registry.host, "--ca-cert", caCertificate])
                #expect(trusted.status == 0, "\(trusted.summary)")
                #expect(trusted.lines == ["another-app", "my-app"])
                #expect(trusted.stderrText.isEmpty, "\(trusted.summary)")

                let untrusted = try await cli.run(
                    ["repository", "list", "-r", "https://\(registry.host)", "--timeout", "10"], timeout: .seconds(60))
                #expect(untrusted.status == 1, "\(untrusted.summary)")
                #expect(untrusted.stderrText.contains("Error:"))
                #expect(untrusted.stderrText.contains("--ca-cert"), "\(untrusted.summary)")

                let insecure = try await cli.run(["repository", "list", "-r", "https://\(registry.host)", "--insecure"])
                #expect(insecure.status == 0, "\(insecure.summary)")
                #expect(insecure.lines == ["another-app", "my-app"])
                #expect(insecure.stderrText.contains("Warning: --insecure"), "\(insecure.summary)")
            }
        }
    }

    @Test("--ca-cert with a file that holds no certificate is an error naming the file")
    func badCACertificate() async throws {
        try await CLI.with { cli in
            let path = cli.home + "/not-a-ca.pem"
            try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: path))
            let result = try await cli.run(["repository", "list", "-r", "registry.example.com", "--ca-cert", path])
            #expect([1, 64].contains(result.status), "\(result.summary)")
            #expect(result.stderrText.contains("Error:") && result.stderrText.contains(path), "\(result.summary)")
        }
    }
}
