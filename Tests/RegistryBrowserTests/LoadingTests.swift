import Foundation
import RegistryClient
import TUICore
import Testing

@testable import Purge
@testable import RegistryBrowser

@Suite("update: listing, probing, loading, refreshing")
struct LoadingTests {
    static func fresh(draft: PolicyDraft = PolicyDraft()) -> BrowserModel {
        BrowserModel(
            configuration: BrowserConfiguration(registry: "r", user: "alice", draft: draft),
            size: Size(width: 80, height: 24), now: BrowserFixture.now)
    }

    @Test("start lists; the catalog leads to a probe and tag counts; the probe to the selected repository's load")
    func startUp() {
        var model = Self.fresh()
        #expect(model.start().map(\.description) == ["list repositories"])
        #expect(model.screen.contains("listing"))
        #expect(model.screen.contains("alice"))
        var commands = model.send(.repositoriesListed(["b", "a"]))
        #expect(commands.map(\.description) == ["probe a", "count tags a,b"])
        #expect(model.selectedRepository == "a")
        commands = model.send(
            .capabilitiesFound(
                RegistryCapabilities(
                    tagDeletion: .placeholder, deleteEnabled: false, referrersAPI: true, catalog: true)))
        #expect(commands.map(\.description) == ["load a"])
        #expect(model.screen.contains("delete DISABLED · tag delete by placeholder · referrers API"))
        _ = model.send(.tagsCounted(repository: "b", count: 12))
        #expect(model.tagCount(of: "b") == 12)
        _ = model.send(.loadProgress(InventoryProgress(repository: "a", phase: "resolving tags", done: 3, total: 9)))
        #expect(model.screen.contains("resolving tags 3/9"))
        commands = model.send(.repositoryLoaded(RepositoryInventory(name: "a")))
        #expect(commands.isEmpty)
        #expect(model.screen.contains("No tags."))
    }

    @Test("moving to a repository loads it; a failure shows and r retries")
    func selectionLoads() {
        var model = Self.fresh()
        _ = model.send(.repositoriesListed(["a", "b"]))
        _ = model.send(.capabilitiesFailed("boom"))
        #expect(model.screen.contains("capabilities unknown: boom"))
        _ = model.send(.repositoryFailed(repository: "a", error: "HTTP 500"))
        #expect(model.screen.contains("Cannot load a: HTTP 500"))
        #expect(model.press(.down).map(\.description) == ["load b"])
        #expect(model.press(.up).isEmpty)  // a failed: not retried by moving
        _ = model.send(.repositoryLoaded(BrowserFixture.myApp))
        let commands = model.press(.character("r"))
        #expect(commands.map(\.description) == ["list repositories", "load my-app", "load a"])
        #expect(model.flash?.text == "Reloading from the registry…")
    }

    @Test("a registry that goes away mid-session: the error shows, the plan stays on screen, r retries")
    func registryGoesAway() {
        var model = BrowserFixture.model()
        #expect(model.plan.tagCount == 4)
        _ = model.press(.character("r"))
        _ = model.send(.listingFailed("Cannot reach registry.test: the connection was refused."))
        for name in ["another-app", "my-app"] {
            _ = model.send(
                .repositoryFailed(repository: name, error: "Cannot reach registry.test: the connection was refused."))
        }
        #expect(model.plan.tagCount == 4, "what was loaded is still planned")
        #expect(model.screen.contains("Plan: 4 tags and 3 manifests"))
        #expect(model.screen.contains("catalog failed (r retries): Cannot reach"))
        #expect(model.press(.character("r")).map(\.description).contains("list repositories"))
    }

    @Test("before any deletion the header says what is not known yet; after one, what it taught")
    func learnedCapabilities() {
        var model = Self.fresh()
        _ = model.send(.repositoriesListed(["a"]))
        _ = model.send(
            .capabilitiesFound(
                RegistryCapabilities(tagDeletion: nil, deleteEnabled: nil, referrersAPI: false, catalog: true)))
        #expect(model.screen.contains("delete unknown · tag delete unknown · referrers by tag"))
        _ = model.send(
            .capabilitiesFound(
                RegistryCapabilities(tagDeletion: .placeholder, deleteEnabled: true, referrersAPI: false, catalog: true)
            ))
        #expect(model.screen.contains("delete enabled · tag delete by placeholder"))
    }

    @Test("a catalog failure is shown")
    func listingFailure() {
        var model = Self.fresh()
        _ = model.send(.listingFailed("401 unauthorized"))
        #expect(model.screen.contains("Cannot list the"))
        #expect(model.screen.contains("401 unauthorized"))
        #expect(model.screen.contains("cannot list the repositories (r retries)"))
        #expect(model.press(.character("r")).map(\.description) == ["list repositories"])
    }

    @Test("a repository that left the catalog leaves the plan")
    func vanishedRepository() {
        var model = BrowserFixture.model()
        #expect(model.plan.tagCount == 4)
        _ = model.send(.repositoriesListed(["another-app"]))
        #expect(model.loaded["my-app"] == nil)
        #expect(model.plan.tagCount == 0)
        #expect(model.selectedRepository == "another-app")
    }

    @Test("ticks move the clock but do not re-plan")
    func ticks() {
        var model = BrowserFixture.model()
        let planned = model.plan.now
        _ = model.send(.tick(BrowserFixture.now.addingTimeInterval(3600)))
        #expect(model.now == BrowserFixture.now.addingTimeInterval(3600))
        #expect(model.plan.now == planned)
    }

    @Test("the header says where ages come from")
    func ageSources() {
        var repository = BrowserFixture.repository(
            "x", [("i1", ["a"], nil), ("i2", ["b", "c"], BrowserFixture.day(1))])
        repository.name = "x"
        let model = BrowserFixture.model(repositories: [repository], select: "x")
        #expect(model.ageSources == "config created 2, no date 1")
    }
}

@Suite("update: background loads are bounded")
struct BackgroundLoadTests {
    @Test("a filter that selects many repositories loads three at a time; the selected one never waits")
    func bounded() {
        var model = LoadingTests.fresh(draft: PolicyDraft(filters: [".*:.*"], ago: "0d"))
        let names = (1...8).map { "r\($0)" }
        _ = model.send(.repositoriesListed(names))
        var commands = model.send(.capabilitiesFailed("no"))
        #expect(commands.map(\.description) == ["load r1", "load r2", "load r3", "load r4"])
        #expect(model.screen.contains("loading 4 repositories (4 waiting)"))
        commands = model.send(.repositoryLoaded(RepositoryInventory(name: "r2")))
        #expect(commands.isEmpty)  // r1 (selected) and r3, r4 still load: three in flight
        commands = model.send(.repositoryLoaded(RepositoryInventory(name: "r3")))
        #expect(commands.map(\.description) == ["load r5"])
        commands = model.press(.end)
        #expect(commands.map(\.description) == ["load r8"])
        #expect(model.pendingRepositories == ["r1", "r4", "r5", "r6", "r7", "r8"])
    }
}
