import Purge
import TUICore
import Testing

@testable import RegistryBrowser

@Suite("update: the filter composer")
struct ComposerTests {
    @Test("f and : open the composer on the filter field")
    func opening() {
        for key in [Key.character("f"), .character(":")] {
            var model = BrowserFixture.model()
            model.press(key)
            #expect(model.context == .composer)
            #expect(model.composer?.field == .filters)
            #expect(model.composer?.input.text == "my-app:^((?!prod|dev).)*$")
        }
    }

    @Test("every keystroke re-plans: the live preview")
    func livePreview() {
        var model = BrowserFixture.model(draft: PolicyDraft(ago: "0d"))
        #expect(model.plan.isEmpty)
        model.press(.character("f"))
        model.type("my-app:")
        #expect(model.plan.isEmpty)  // no tag part yet: an error, no plan
        #expect(model.draftErrors.first?.field == .filters)
        model.type("1")
        #expect(model.plan.tagCount == 1)
        model.press(.backspace)
        model.type(".*")
        #expect(model.plan.tagCount == 6)
        #expect(model.screen.contains("→ 6 tags and 0 manifests would be deleted"))
        model.type(" another-app:dev")
        #expect(model.plan.tagCount == 7)
    }

    @Test("an invalid regex is shown inline and the last valid plan stays; fixing it re-plans")
    func invalidRegexKeepsPlan() {
        var model = BrowserFixture.model()
        model.press(.character("f"))
        model.type("(")
        #expect(model.draftErrors.count == 1)
        #expect(model.draftErrors.first?.field == .filters)
        #expect(model.draftErrors.first?.column == 26)
        #expect(model.plan.tagCount == 4 && model.plan.manifestCount == 3)
        #expect(model.screen.contains("invalid regular expression"))
        #expect(model.screen.contains("(the plan shown is the last valid one)"))
        model.press(.backspace)
        #expect(model.draftErrors.isEmpty)
        #expect(model.plan.tagCount == 4)
    }

    @Test("an invalid duration is shown on the ago field")
    func invalidAgo() {
        var model = BrowserFixture.model()
        model.press(.character("f"), .tab, .tab)
        #expect(model.composer?.field == .ago)
        model.press(.backspace)
        model.type("2days")
        #expect(model.draftErrors.first?.field == .ago)
        #expect(model.draftErrors.first?.message.contains("not a duration") == true)
        #expect(model.plan.tagCount == 4)
        model.press(.ctrl("u"))
        model.type("30d")
        #expect(model.draftErrors.isEmpty)
        #expect(model.retention?.singlePolicy?.ago.map { Int($0) } == 30 * 86_400)
    }

    @Test("tab and shift-tab (and the arrows) walk the fields in order, wrapping")
    func fieldOrder() {
        var model = BrowserFixture.model()
        model.press(.character("f"))
        let flagFields: [ComposerField] = [.filters, .protect, .ago, .keep, .untagged, .untaggedOnly, .includeLocked]
        var visited: [ComposerField] = []
        for _ in flagFields {
            visited.append(model.composer?.field ?? .rules)
            model.press(.tab)
        }
        // The rule list, name and action are a policy file's: the flags' composer never visits them.
        #expect(visited == flagFields)
        #expect(model.composer?.field == .filters)
        model.press(.backTab)
        #expect(model.composer?.field == .includeLocked)
        model.press(.up)
        #expect(model.composer?.field == .untaggedOnly)
        model.press(.down)
        #expect(model.composer?.field == .includeLocked)
    }

    @Test("space flips a switch; --untagged with --untagged-only is an error until one is off")
    func switches() {
        var model = BrowserFixture.model()
        model.press(.character("f"), .tab, .tab, .tab, .tab)
        #expect(model.composer?.field == .untagged)
        model.press(.character(" "))
        #expect(!model.draft.flags.untagged)
        #expect(model.plan.manifestCount == 0)
        model.press(.character(" "))
        #expect(model.plan.manifestCount == 3)
        model.press(.tab, .character(" "))
        #expect(model.draft.flags.untaggedOnly)
        #expect(model.draftErrors.first?.field == .untaggedOnly)
        #expect(model.plan.manifestCount == 3)
        model.press(.character(" "), .tab, .character(" "))
        #expect(model.draft.flags.includeLocked)
        #expect(model.retention?.singlePolicy?.includeLocked == true)
        model.type("x")  // typing on a switch does nothing
        #expect(model.draftErrors.isEmpty)
    }

    @Test("--keep spares the newest matching tags")
    func keep() {
        var model = BrowserFixture.model(draft: PolicyDraft(filters: ["my-app:.*"], ago: "0d", untagged: true))
        model.press(.character("f"), .tab, .tab, .tab)
        #expect(model.composer?.field == .keep)
        model.type("3")
        #expect(model.plan["my-app"]?.tagsToDelete.map(\.tag) == ["prod", "2.0.0", "1.0.0"])
        #expect(model.plan.manifestCount == 3)
        model.type("x")
        #expect(model.draftErrors.first?.field == .keep)
    }

    @Test("a protect rule keeps what the filters select")
    func protect() {
        var model = BrowserFixture.model(draft: PolicyDraft(filters: ["my-app:.*"], ago: "0d"))
        model.press(.character("f"), .tab)
        #expect(model.composer?.field == .protect)
        model.type("my-app:^4")
        #expect(model.plan["my-app"]?.tags.first { $0.tag == "4.0.0" }?.reason == .protected(filter: "my-app:^4"))
    }

    @Test("cursor keys edit in the middle; delete removes under the cursor; ctrl-u clears")
    func editing() {
        var model = BrowserFixture.model(draft: PolicyDraft(filters: ["a:b"], ago: "0d"))
        model.press(.character("f"), .home, .delete)
        #expect(model.draft.flags.filters == ":b")
        model.type("my-app")
        model.press(.end, .left, .right, .backspace)
        model.type(".*")
        #expect(model.draft.flags.filters == "my-app:.*")
        model.press(.ctrl("a"))
        model.type("x")
        model.press(.ctrl("e"))
        #expect(model.composer?.input.cursor == model.draft.flags.filters.count)
        model.press(.ctrl("u"))
        #expect(model.draft.flags.filters.isEmpty)
    }

    @Test("enter keeps the edit; esc restores the draft the composer opened with")
    func closing() {
        var model = BrowserFixture.model()
        model.press(.character("f"), .ctrl("u"))
        model.type("another-app:.*")
        model.press(.enter)
        #expect(model.composer == nil)
        #expect(model.plan.tagCount == 3)
        model.press(.character("f"), .ctrl("u"))
        model.type("my-app:.*")
        #expect(model.plan.tagCount == 6)
        model.press(.escape)
        #expect(model.composer == nil)
        #expect(model.draft.flags.filters == "another-app:.*")
        #expect(model.plan.tagCount == 3)
    }

    @Test("closing with errors says the plan is the last valid one, and the reason line keeps saying it")
    func closingWithErrors() {
        var model = BrowserFixture.model()
        model.press(.character("f"))
        model.type("[")
        model.press(.enter)
        #expect(model.flash?.kind == .warning)
        model.press(.down)
        #expect(model.screen.contains("Filter error (filter)"))
        model.press(.character("f"))
        #expect(model.composer?.field == .filters)
    }

    @Test("F1 opens the help from the composer, where ? is typed")
    func helpFromComposer() {
        var model = BrowserFixture.model()
        model.press(.character("f"))
        model.type("?")
        #expect(model.draft.flags.filters.hasSuffix("?"))
        model.press(.function(1))
        #expect(model.context == .help)
        model.press(.escape)
        #expect(model.context == .composer)
    }

    @Test("a newly selected repository loads in the background")
    func newlyMatchedLoads() {
        var model = BrowserModel(
            configuration: BrowserConfiguration(registry: "r", draft: PolicyDraft(filters: ["a:.*"], ago: "0d")),
            size: Size(width: 80, height: 24), now: BrowserFixture.now)
        var commands = model.send(.repositoriesListed(["a", "b", "c"]))
        #expect(commands.map(\.description) == ["probe a", "count tags a,b,c"])
        commands = model.send(.capabilitiesFailed("401"))
        #expect(commands.map(\.description) == ["load a"])
        commands = model.press(.character("f"), .end)
        commands += model.type(" c:.*")
        #expect(commands.map(\.description) == ["load c"])
        #expect(model.pendingRepositories == ["a", "c"])
        #expect(model.screen.contains("loading 2 repositories"))
    }
}
