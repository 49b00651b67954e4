import Foundation
import RegistryTestSupport
import Testing

/// A dry run only reads: through a fault-free proxy that records every request, the article's
/// dry runs send no DELETE, PUT, POST or PATCH, not even to probe what the registry supports.
@Suite("Purge dry-run traffic")
struct PurgeDryRunTrafficTests {
    @Test("a dry run sends no DELETE/PUT/POST/PATCH")
    func dryRunOnlyReads() async throws {
        try await TestRegistry.with { registry in
            try await registry.seedArticleScenario()
            try await FaultProxy.with(registry) { proxy in
                try await CLI.with { cli in
                    for filter in ["another-app:2.0.0", ".*:^((?!prod|dev).)*$"] {
                        let run = try await cli.run(
                            ["purge", "-r", proxy.host, "--filter", filter, "--ago", "0d", "--untagged", "--dry-run"],
                            timeout: .seconds(60))
                        #expect(run.status == 0, "\(run.summary)")
                        #expect(run.stdoutText.contains("Number of tags to be deleted:"))
                    }
                }
                let writes = proxy.entries.filter { ["DELETE", "PUT", "POST", "PATCH"].contains($0.method) }
                #expect(proxy.statistics.requests > 0)
                #expect(writes.isEmpty, "a dry run sent \(writes.map { "\($0.method) \($0.uri)" })")
            }
            #expect(try await registry.skopeoTags("my-app") == ["1.0.0", "2.0.0", "3.0.0", "4.0.0", "dev", "prod"])
        }
    }
}
