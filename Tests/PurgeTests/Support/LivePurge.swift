import Foundation
import Purge
import RegistryClient
import RegistryTestSupport

/// Runs the real pipeline (inventory → plan → executor) against a live test registry.
struct LivePurge {
    let registry: TestRegistry

    func inventory(_ client: RegistryClient, repositories: [String]) async throws -> Inventory {
        let capabilities = try await client.capabilities(repository: repositories[0])
        return try await InventoryLoader(client: client, capabilities: capabilities).load(repositories: repositories)
    }

    func plan(
        _ repositories: [String], filters: [String], ago: String = "0d", keep: Int = 0, untagged: Bool = false,
        protect: [String] = []
    ) async throws -> (PurgePlan, Inventory) {
        let policy = try PurgePolicy.parse(filters: filters, ago: ago, keep: keep, untagged: untagged, protect: protect)
        return try await registry.withClient { client in
            let inventory = try await inventory(client, repositories: repositories)
            return (Planner.plan(inventory: inventory, policy: policy, now: Date()), inventory)
        }
    }

    /// Plans, lets `between` change the registry, then executes with a journal in a temp file.
    func run(
        _ repositories: [String], filters: [String], ago: String = "0d", keep: Int = 0, untagged: Bool = false,
        protect: [String] = [], between: ((RegistryClient) async throws -> Void)? = nil
    ) async throws -> (PurgePlan, ExecutionResult) {
        let (plan, inventory) = try await plan(
            repositories, filters: filters, ago: ago, keep: keep, untagged: untagged, protect: protect)
        let journalPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "journal-\(UUID().uuidString).jsonl"
        ).path
        let result = try await registry.withClient { client in
            try await between?(client)
            let executor = PurgeExecutor(client: client, journal: try Journal(path: journalPath))
            return await executor.execute(plan: plan, inventory: inventory)
        }
        return (plan, result)
    }
}
