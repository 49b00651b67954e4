import Foundation
import TUICore
import Testing

@testable import Purge
@testable import RegistryBrowser

@Suite("update: delete, confirm, progress, interrupt, result")
struct DeletionTests {
    @Test("D opens the confirmation on Cancel; y deletes when 10 items or fewer go")
    func smallDeletion() throws {
        var model = BrowserFixture.model()
        model.press(.character("D"))
        guard case .confirm(let state) = model.overlay else {
            Issue.record("no confirmation")
            return
        }
        #expect(state.focus == .cancel)
        #expect(state.request.itemCount == 7)
        #expect(!state.needsTypedCount)
        let commands = model.press(.character("y"))
        #expect(commands.map(\.description) == ["execute 4 tags 3 manifests"])
        #expect(model.context == .progress)
        #expect(model.execution?.total == 7)
    }

    @Test("n and esc cancel; nothing is deleted", arguments: [Key.character("n"), .escape])
    func cancelling(key: Key) {
        var model = BrowserFixture.model()
        model.press(.character("D"))
        #expect(model.press(key).isEmpty)
        #expect(model.overlay == nil)
        #expect(model.flash?.text == "Cancelled: nothing was deleted.")
    }

    @Test("enter presses the focused button: Cancel first, Delete after tab")
    func buttons() {
        var model = BrowserFixture.model()
        model.press(.character("D"))
        #expect(model.press(.enter).isEmpty)
        #expect(model.overlay == nil)
        model.press(.character("D"), .tab)
        if case .confirm(let state) = model.overlay { #expect(state.focus == .delete) }
        model.press(.left)
        if case .confirm(let state) = model.overlay { #expect(state.focus == .cancel) }
        model.press(.right)
        #expect(model.press(.enter).map(\.description) == ["execute 4 tags 3 manifests"])
    }

    static func largeModel() -> BrowserModel {
        BrowserFixture.model(
            draft: PolicyDraft(filters: ["ci-builds:.*"], ago: "0d", untagged: true),
            repositories: [BrowserFixture.ciBuilds], select: "ci-builds")
    }

    @Test("above 10 items y is not enough: the count must be typed, then enter")
    func largeDeletion() {
        var model = Self.largeModel()
        model.press(.character("D"))
        #expect(model.press(.character("y")).isEmpty)
        guard case .confirm(let hinted) = model.overlay else { return }
        #expect(hinted.hint?.contains("type 60") == true)
        model.type("6a5")  // letters are ignored
        model.press(.backspace)
        #expect(model.press(.enter).isEmpty)
        if case .confirm(let state) = model.overlay {
            #expect(state.hint == "6 is not the number of items: type 60, or press esc.")
        }
        model.type("0")
        #expect(model.press(.enter).map(\.description) == ["execute 30 tags 30 manifests"])
    }

    @Test("above 10 items, enter on Cancel with nothing typed cancels, on Delete it asks for the count")
    func largeButtons() {
        var model = Self.largeModel()
        model.press(.character("D"), .enter)
        #expect(model.overlay == nil)
        model.press(.character("D"), .tab, .enter)
        if case .confirm(let state) = model.overlay {
            #expect(state.hint == "Type 60 and press enter to delete 60 items.")
        }
    }

    @Test("--read-only blocks D and says so")
    func readOnly() {
        var model = BrowserFixture.model(readOnly: true)
        #expect(model.press(.character("D")).isEmpty)
        #expect(model.overlay == nil)
        #expect(model.flash?.text.contains("Read-only") == true)
        #expect(model.screen.contains("Read-only: deleting is blocked"))
    }

    @Test("D waits while repositories the filter selects are loading")
    func waitsForLoads() {
        var model = BrowserFixture.model(draft: PolicyDraft(filters: [".*:.*"], ago: "0d"), repositories: [])
        _ = model.send(.repositoriesListed(["my-app", "another-app"]))
        _ = model.send(.repositoryLoaded(BrowserFixture.myApp))
        model.press(.character("D"))
        #expect(model.overlay == nil)
        #expect(model.flash?.text == "Wait: 1 repository the filter selects is still loading.")
        _ = model.send(.repositoryLoaded(BrowserFixture.anotherApp))
        model.press(.character("D"))
        if case .confirm(let state) = model.overlay { #expect(state.request.itemCount == 9) } else { Issue.record() }
    }

    @Test("D refuses while the composer has errors, and when nothing would go")
    func refusals() {
        var model = BrowserFixture.model()
        model.press(.character("f"))
        model.type("(")
        model.press(.enter, .character("D"))
        #expect(model.overlay == nil)
        #expect(model.flash?.text.contains("fix it first") == true)
        var empty = BrowserFixture.model(draft: PolicyDraft(filters: ["nothing:.*"], ago: "0d"))
        empty.press(.character("D"))
        #expect(empty.overlay == nil)
        #expect(empty.flash?.text.hasPrefix("Nothing to delete") == true)
    }

    @Test("progress events fill the bar: done/total, failures, the rate")
    func progress() {
        var model = BrowserFixture.model()
        model.press(.character("D"), .character("y"))
        _ = model.send(.execution(.started(total: 7)))
        _ = model.send(.execution(.checking(repository: "my-app")))
        _ = model.send(
            .execution(.item(ExecutionItem(repository: "my-app", target: .tag("4.0.0"), outcome: .deleted))))
        _ = model.send(
            .execution(
                .item(ExecutionItem(repository: "my-app", target: .tag("3.0.0"), outcome: .failed(error: "500")))))
        _ = model.send(
            .execution(
                .item(ExecutionItem(repository: "my-app", target: .tag("2.0.0"), outcome: .skipped(reason: "moved")))))
        _ = model.send(.execution(.repositoryStopped(repository: "my-app", reason: "403")))
        _ = model.send(.tick(BrowserFixture.now.addingTimeInterval(2)))
        #expect(model.execution?.done == 3)
        #expect(model.execution?.failed == 1)
        #expect(model.screen.contains("3/7 42%"))
        #expect(model.screen.contains("deleted 1 · skipped 1 · failed 1 · 1.5/s"))
        #expect(model.screen.contains("my-app: 403"))
    }

    @Test("during the deletion q is refused; ctrl-c, esc or x ask before stopping; n goes on, y stops")
    func interrupting() {
        for key in [Key.ctrl("c"), .escape, .character("x")] {
            var model = BrowserFixture.model()
            model.press(.character("D"), .character("y"))
            #expect(model.press(.character("q")).isEmpty)
            #expect(!model.isQuitting)
            model.press(key)
            #expect(model.context == .interrupt)
            model.press(.character("n"))
            #expect(model.context == .progress)
            model.press(key)
            #expect(model.press(.escape).isEmpty)
            #expect(model.context == .progress)
            model.press(key)
            #expect(model.press(.character("y")).map(\.description) == ["stop execution"])
            #expect(model.execution?.stopRequested == true)
            #expect(model.screen.contains("Stopping after the current item"))
        }
    }

    @Test("the result view lists what happened; the inventory reloads; esc closes it")
    func result() {
        var model = BrowserFixture.model()
        model.press(.character("D"), .character("y"))
        let commands = model.send(.executionFinished(Screens.result))
        #expect(
            commands.map(\.description) == [
                "list repositories", "probe another-app", "load another-app", "load my-app",
            ],
            "the header learns what the deletion taught")
        #expect(model.execution == nil)
        #expect(model.context == .result)
        #expect(model.screen.contains("Journal: /state/regsweep/journal.jsonl"))
        #expect(model.screen.contains("Skipped registry.test/my-app:3.0.0: moved since the plan"))
        #expect(model.screen.contains("Reloading the inventory"))
        model.press(.down)
        if case .result(_, let scroll) = model.overlay { #expect(scroll == 1) }
        _ = model.send(.repositoriesListed(["another-app", "my-app"]))
        _ = model.send(.repositoryLoaded(BrowserFixture.anotherApp))
        _ = model.send(.repositoryLoaded(BrowserFixture.myApp))
        #expect(model.screen.contains("The inventory was reloaded."))
        model.press(.escape)
        #expect(model.overlay == nil)
    }

    @Test("a deletion that cannot start says why and leaves the browser usable")
    func failedStart() {
        var model = BrowserFixture.model()
        model.press(.character("D"), .character("y"))
        _ = model.send(.executionFailed("cannot write the journal /x: denied"))
        #expect(model.execution == nil && model.overlay == nil)
        #expect(model.screen.contains("The deletion did not start: cannot write the journal"))
        #expect(model.press(.character("q")).map(\.description) == ["quit"])
    }
}
