import Foundation
import Purge
import TUICore
import Testing

@testable import RegistryBrowser

/// The plan requests among commands, oldest first.
private func planRequests(_ commands: [BrowserCommand]) -> [PlanRequest] {
    commands.compactMap { command in
        if case .plan(let request) = command { return request }
        return nil
    }
}

@Suite("planning off the UI loop: requests, superseded results, the screen while planning")
struct PlanningTests {
    /// The fixture with the list focused on my-app's newest tag (4.0.0, deleted by the filter).
    static func listModel() -> BrowserModel {
        var model = BrowserFixture.model()
        model.press(.enter)
        return model
    }

    @Test("a change asks for a plan instead of making one: the screen keeps the old plan meanwhile")
    func changeRequestsPlan() throws {
        var model = Self.listModel()
        let before = model.planning.current.generation
        let requests = planRequests(model.update(.key(.character(" "))))
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.generation > before)
        #expect(request.marks == [HandMark(repository: "my-app", tag: "4.0.0", kind: .exclude)])
        #expect(model.isPlanning)
        #expect(model.plan.tagCount == 4)  // the old plan, until the new one arrives
        #expect(model.selectedTagVerdict?.reason == .matched(filter: "my-app:^((?!prod|dev).)*$"))
        _ = model.update(.planned(request.make()))
        #expect(!model.isPlanning)
        #expect(model.plan.tagCount == 3)
        #expect(model.selectedTagVerdict?.reason == .excludedByHand)
    }

    @Test("a late answer to an older request is dropped: the newer plan stays")
    func supersededResultIgnored() throws {
        var model = Self.listModel()
        let first = try #require(planRequests(model.update(.key(.character(" ")))).first)  // exclude 4.0.0
        _ = model.update(.key(.down))
        let second = try #require(planRequests(model.update(.key(.character(" ")))).first)  // mark dev
        #expect(second.generation > first.generation)
        _ = model.update(.planned(second.make()))
        #expect(!model.isPlanning)
        _ = model.update(.planned(first.make()))
        #expect(model.planning.current.generation == second.generation)
        #expect(
            model.plan.repositories.first { $0.name == "my-app" }?.tags.first { $0.tag == "dev" }?.reason
                == .markedByHand)
        #expect(model.plan.tagCount == 4)
    }

    @Test("an older answer that is newer than the one shown is taken, and planning goes on")
    func intermediateResultShown() throws {
        var model = Self.listModel()
        let first = try #require(planRequests(model.update(.key(.character(" ")))).first)
        _ = model.update(.key(.down))
        let second = try #require(planRequests(model.update(.key(.character(" ")))).first)
        _ = model.update(.planned(first.make()))
        #expect(model.planning.current.generation == first.generation)
        #expect(model.isPlanning)  // the answer to the newest request has not come yet
        _ = model.update(.planned(second.make()))
        #expect(!model.isPlanning)
    }

    @Test("moving, scrolling and searching while a plan is pending act at once and ask for no plan")
    func navigationWhilePlanning() throws {
        var model = Self.listModel()
        let pending = try #require(planRequests(model.update(.key(.character(" ")))).first)
        #expect(model.selectedTag == "4.0.0")
        for key in [Key.down, .character("j"), .pageDown, .up, .home] {
            let commands = model.update(.key(key))
            #expect(planRequests(commands).isEmpty, "\(key)")
        }
        #expect(model.isPlanning)
        _ = model.update(.key(.down))
        #expect(model.selectedTag == "dev")
        _ = model.update(.key(.character("/")))
        for character in "PRO" { #expect(planRequests(model.update(.key(.character(character)))).isEmpty) }
        #expect(model.listSearch == "PRO")
        #expect(model.visibleTags.map(\.tag) == ["prod"])
        #expect(model.selectedTag == "prod")
        #expect(model.planning.requested == pending.generation)
    }

    @Test("typing in the composer changes the draft at once and asks for one plan per keystroke")
    func typingWhilePlanning() throws {
        var model = BrowserFixture.model()
        model.press(.character("f"))
        var generations: [Int] = []
        for character in "x" + "y" {
            let requests = planRequests(model.update(.key(.character(character))))
            #expect(requests.count == 1)
            generations += requests.map(\.generation)
        }
        #expect(model.draft.flags.filters == "my-app:^((?!prod|dev).)*$xy")
        #expect(model.composer?.input.text == "my-app:^((?!prod|dev).)*$xy")
        #expect(generations == generations.sorted() && Set(generations).count == 2)
        #expect(model.planning.requested == generations.last)
        #expect(model.plan.policy.filters.map(\.text) == ["my-app:^((?!prod|dev).)*$"])
    }

    @Test("a loaded repository asks for one plan, made from everything loaded")
    func loadRequestsOnePlan() throws {
        var model = BrowserFixture.model(repositories: [BrowserFixture.myApp])
        let commands = model.update(.repositoryLoaded(BrowserFixture.anotherApp))
        let requests = planRequests(commands)
        #expect(requests.count == 1)
        #expect(try #require(requests.first).inventory.repositories.map(\.name) == ["another-app", "my-app"])
    }

    @Test("D while a plan is pending deletes nothing; the confirmation opens on Cancel once the plan arrives")
    func deleteWhilePlanning() throws {
        var model = Self.listModel()
        let pending = try #require(planRequests(model.update(.key(.character(" ")))).first)
        let commands = model.update(.key(.character("D")))
        #expect(commands.allSatisfy { if case .execute = $0 { false } else { true } })
        #expect(model.overlay == nil)  // no confirmation of the plan on screen: it is about to change
        #expect(model.execution == nil)
        #expect(model.flash?.text.hasPrefix("Still planning") == true)

        let delivered = model.update(.planned(pending.make()))
        #expect(delivered.allSatisfy { if case .execute = $0 { false } else { true } })
        #expect(model.execution == nil)
        #expect(model.flash == nil)
        guard case .confirm(let state) = model.overlay else {
            Issue.record("no confirmation once the plan arrived")
            return
        }
        #expect(state.focus == .cancel)
        #expect(state.request.itemCount == 6)  // 3 tags and 3 manifests: 4.0.0 is excluded, m4 stays tagged
        #expect(state.request.plan.policy == model.retention?.singlePolicy)
        #expect(state.request.plan.repositories.first { $0.name == "my-app" }?.tags.first?.reason == .excludedByHand)
    }

    @Test("a key after D gives up waiting: the plan arrives and no confirmation opens")
    func deleteWaitGivenUp() throws {
        var model = Self.listModel()
        let pending = try #require(planRequests(model.update(.key(.character(" ")))).first)
        _ = model.update(.key(.character("D")))
        _ = model.update(.key(.down))
        _ = model.update(.planned(pending.make()))
        #expect(model.overlay == nil)
        #expect(model.execution == nil)
    }

    @Test("while newer plans keep being asked for, D keeps waiting for the newest")
    func deleteWaitsForNewest() throws {
        var model = BrowserFixture.model(repositories: [BrowserFixture.myApp])
        let first = try #require(planRequests(model.update(.repositoryLoaded(BrowserFixture.anotherApp))).first)
        _ = model.update(.key(.character("D")))
        let second = try #require(planRequests(model.update(.repositoryLoaded(BrowserFixture.anotherApp))).first)
        _ = model.update(.planned(first.make()))
        #expect(model.overlay == nil)
        _ = model.update(.planned(second.make()))
        #expect(model.context == .confirm)
    }

    @Test("the confirmation never deletes by a plan of another policy than the one in force")
    func confirmRefusesStalePolicy() {
        var model = BrowserFixture.model()
        model.press(.character("D"))
        #expect(model.context == .confirm)
        let other = PolicyDraft(filters: ["another-app:.*"], ago: "0d").validate().policy
        #expect(other != nil && other != model.retention?.singlePolicy)
        model.retention = other.map { RetentionPolicy($0) }
        #expect(model.press(.character("y")).isEmpty)
        #expect(model.execution == nil)
        #expect(model.overlay == nil)
        #expect(model.flash?.text == "The filter changed since the plan was confirmed: nothing was deleted.")
    }

    @Test("a confirmed deletion carries the inventory its plan was made from, not what loaded since")
    func confirmCarriesPlannedInventory() throws {
        var model = BrowserFixture.model(repositories: [BrowserFixture.myApp])
        let late = planRequests(model.update(.repositoryLoaded(BrowserFixture.anotherApp)))
        #expect(late.count == 1)
        #expect(model.isPlanning)
        _ = model.update(.key(.character("D")))
        #expect(model.overlay == nil)  // waits for the plan
        let request = try #require(late.first)
        _ = model.update(.planned(request.make()))
        guard case .confirm(let state) = model.overlay else {
            Issue.record("no confirmation")
            return
        }
        #expect(state.request.inventory.repositories.map(\.name) == ["another-app", "my-app"])
    }

    @Test("a mark under a policy whose plan is still being made waits for the plan")
    func markWhilePolicyPlanning() {
        var model = BrowserFixture.model()
        model.press(.character("f"))
        _ = model.update(.key(.character("x")))  // the filter no longer matches: verdicts will change
        _ = model.update(.key(.enter))
        _ = model.update(.key(.enter))
        #expect(model.focus == .list)
        _ = model.update(.key(.character(" ")))
        #expect(model.marks.isEmpty)
        #expect(model.flash?.text.hasPrefix("Still planning") == true)
    }

    @Test("the status line says planning while a plan is pending, and the totals stay the shown plan's")
    func planningMarker() throws {
        var model = Self.listModel()
        #expect(!model.screen.contains("planning"))
        let request = try #require(planRequests(model.update(.key(.character(" ")))).first)
        let status = try #require(model.lines.first { $0.hasPrefix(" Plan: ") })
        #expect(status.contains("planning…"))
        #expect(status.hasPrefix(" Plan: 4 tags and 3 manifests"))
        _ = model.update(.planned(request.make()))
        #expect(!model.screen.contains("planning"))
        #expect(model.screen.contains(" Plan: 3 tags and 3 manifests"))
    }

    @Test("the composer's preview says planning while the plan for the last keystroke is made")
    func composerMarker() {
        var model = BrowserFixture.model()
        model.press(.character("f"))
        _ = model.update(.key(.character("x")))
        #expect(model.screen.contains("→ 4 tags and 3 manifests would be deleted (planning…)"))
    }

    @Test("a repository that loaded after the plan on screen says it is being planned")
    func planningPlaceholder() throws {
        var model = BrowserFixture.model(repositories: [BrowserFixture.myApp])
        model.send(.repositoriesListed(["another-app", "my-app"]))
        let requests = planRequests(model.update(.repositoryLoaded(BrowserFixture.anotherApp)))
        model.press(.up)
        #expect(model.selectedRepository == "another-app")
        #expect(model.screen.contains("planning another-app…"))
        #expect(model.lines.contains { $0.hasPrefix("│  another-app     3   …│") })
        _ = model.update(.planned(try #require(requests.first).make()))
        #expect(!model.screen.contains("planning another-app…"))
        #expect(model.visibleTags.count == 3)
    }

    @Test("the totals are counted once with the plan and agree with it")
    func totals() {
        let model = BrowserFixture.model()
        let totals = model.planTotals
        #expect(totals.tagCount == model.plan.tagCount)
        #expect(totals.manifestCount == model.plan.manifestCount)
        #expect(totals.affectedRepositoryCount == model.plan.affectedRepositories.count)
        #expect(totals.tagsToDelete == ["my-app": 4, "another-app": 0])
        #expect(totals.ageSources == [.configCreated: 9])
    }
}

@Suite("PlanState: which result the screen shows")
struct PlanStateTests {
    static func result(_ generation: Int) -> PlanResult {
        PlanRequest(
            generation: generation, inventory: Inventory(registry: "r", repositories: []),
            retention: RetentionPolicy(PurgePolicy(filters: [], ago: nil)), now: BrowserFixture.now, marks: []
        ).make()
    }

    @Test("a result newer than the one shown and not newer than the newest request is shown")
    func receiving() {
        var state = PlanState(Self.result(0))
        #expect(!state.isPlanning)
        let unasked = state.receive(Self.result(1))
        #expect(!unasked)
        let generations = [state.nextGeneration(), state.nextGeneration()]
        #expect(generations == [1, 2])
        #expect(state.isPlanning)
        let newest = state.receive(Self.result(2))
        let late = state.receive(Self.result(1))
        let again = state.receive(Self.result(2))
        #expect(newest && !late && !again)
        #expect(state.current.generation == 2)
        #expect(!state.isPlanning)
    }
}
