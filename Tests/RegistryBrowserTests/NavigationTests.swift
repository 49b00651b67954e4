import Purge
import TUICore
import Testing

@testable import RegistryBrowser

@Suite("update: moving, panes, search, sort, marks, help, quitting")
struct NavigationTests {
    @Test("arrows and j/k move the selection of the focused pane, within bounds")
    func moving() {
        var model = BrowserFixture.model(select: nil)
        #expect(model.selectedRepository == "another-app")
        model.press(.down)
        #expect(model.selectedRepository == "my-app")
        model.press(.character("j"))
        #expect(model.selectedRepository == "my-app")
        model.press(.character("k"))
        #expect(model.selectedRepository == "another-app")
        model.press(.up)
        #expect(model.selectedRepository == "another-app")
        model.press(.end)
        #expect(model.selectedRepository == "my-app")
        model.press(.character("g"))
        #expect(model.selectedRepository == "another-app")
        model.press(.character("G"))
        #expect(model.selectedRepository == "my-app")
    }

    @Test("enter opens the tags, esc goes back, tab switches panes")
    func panes() {
        var model = BrowserFixture.model()
        #expect(model.focus == .repositories)
        model.press(.enter)
        #expect(model.focus == .list)
        #expect(model.selectedTag == "4.0.0")
        model.press(.down, .down)
        #expect(model.selectedTag == "3.0.0")
        model.press(.escape)
        #expect(model.focus == .repositories)
        model.press(.tab)
        #expect(model.focus == .list)
        model.press(.backTab)
        #expect(model.focus == .repositories)
        model.press(.right)
        #expect(model.focus == .list)
        model.press(.left)
        #expect(model.focus == .repositories)
        model.press(.character("l"), .character("h"))
        #expect(model.focus == .repositories)
    }

    @Test("page keys move by a page and scroll the list so the selection stays visible")
    func paging() {
        var model = BrowserFixture.model(
            width: 80, height: 24, repositories: [BrowserFixture.ciBuilds], select: "ci-builds")
        model.press(.enter)
        #expect(model.selectedTag == "build-30")
        model.press(.pageDown)
        let rows = BrowserLayout.itemRows(BrowserLayout(size: model.size, composerHeight: 0).list)
        #expect(model.selectedTag == String(format: "build-%02d", 30 - rows))
        model.press(.end)
        #expect(model.selectedTag == "build-01")
        #expect(model.listScroll == 30 - rows)
        #expect(model.screen.contains("build-01"))
        #expect(!model.screen.contains("build-30"))
        model.press(.pageUp)
        #expect(model.selectedTag == String(format: "build-%02d", 1 + rows))
        model.press(.home)
        #expect(model.listScroll == 0)
        #expect(model.screen.contains("build-30"))
    }

    @Test("moving to another repository resets the tag selection and its search")
    func repositoryChange() {
        var model = BrowserFixture.model()
        model.press(.enter, .down, .character("/"))
        model.type("dev")
        model.press(.enter, .tab)
        #expect(model.listSearch == "dev")
        #expect(model.focus == .repositories)
        model.press(.up)
        #expect(model.selectedRepository == "another-app")
        #expect(model.listSearch.isEmpty)
        #expect(model.selectedTag == "2.0.0")
    }

    @Test("/ filters the focused list as you type; enter keeps it, esc clears it")
    func search() {
        var model = BrowserFixture.model()
        model.press(.enter, .character("/"))
        #expect(model.context == .search)
        model.type("0.")
        #expect(model.visibleTags.map(\.tag) == ["4.0.0", "3.0.0", "2.0.0", "1.0.0"])
        model.press(.backspace, .backspace)
        #expect(model.visibleTags.count == 6)
        model.type("PRO")
        #expect(model.visibleTags.map(\.tag) == ["prod"])
        #expect(model.selectedTag == "prod")
        model.press(.enter)
        #expect(model.context == .browse)
        #expect(model.screen.contains("Tags of my-app (1) /PRO"))
        model.press(.character("/"), .ctrl("u"))
        #expect(model.visibleTags.count == 6)
        model.type("zzz")
        #expect(model.screen.contains("No tag matches /zzz"))
        model.press(.escape)
        #expect(model.context == .browse)
        #expect(model.listSearch.isEmpty)
        #expect(model.visibleTags.count == 6)
    }

    @Test("search in the repositories pane; esc clears a kept search")
    func repositorySearch() {
        var model = BrowserFixture.model()
        model.press(.character("/"))
        model.type("another")
        model.press(.enter)
        #expect(model.visibleRepositories == ["another-app"])
        #expect(model.selectedRepository == "another-app")
        model.press(.escape)
        #expect(model.visibleRepositories == ["another-app", "my-app"])
    }

    @Test("s cycles the sort of the focused list: name, age, size")
    func sorting() {
        var model = BrowserFixture.model()
        model.press(.enter)
        #expect(model.listSort == .age)
        #expect(model.visibleTags.map(\.tag) == ["4.0.0", "dev", "3.0.0", "prod", "2.0.0", "1.0.0"])
        model.press(.character("s"))
        #expect(model.listSort == .size)
        #expect(model.flash?.text == "Tags sorted by size")
        model.press(.character("s"))
        #expect(model.listSort == .name)
        #expect(model.visibleTags.map(\.tag) == ["1.0.0", "2.0.0", "3.0.0", "4.0.0", "dev", "prod"])
        #expect(model.screen.contains("Tags of my-app (6) by name"))
        model.press(.character("s"))
        #expect(model.listSort == .age)
        model.press(.escape, .character("s"))
        #expect(model.repositorySort == .age)
        #expect(model.visibleRepositories == ["my-app", "another-app"])
        model.press(.character("s"), .character("s"))
        #expect(model.repositorySort == .name)
    }

    @Test("space marks a kept tag for deletion, excludes a deleted one, and unmarks")
    func marks() {
        var model = BrowserFixture.model()
        model.press(.enter)
        #expect(model.plan.tagCount == 4)
        model.press(.character(" "))  // 4.0.0: deleted → excluded
        #expect(model.marks == [HandMark(repository: "my-app", tag: "4.0.0", kind: .exclude)])
        #expect(model.selectedTagVerdict?.reason == .excludedByHand)
        #expect(model.plan.tagCount == 3)
        model.press(.down, .character(" "))  // dev: kept → marked
        #expect(model.selectedTagVerdict?.reason == .markedByHand)
        #expect(model.plan.tagCount == 4)
        #expect(model.screen.contains("2 marked by hand"))
        model.press(.character(" "))
        #expect(model.selectedTagVerdict?.reason == .notMatched)
        #expect(model.flash?.text.hasPrefix("Unmarked my-app:dev") == true)
        #expect(model.marks.count == 1)
    }

    @Test("space cannot override --protect, and asks for a tag when the repositories have the focus")
    func markLimits() {
        var model = BrowserFixture.model(
            draft: PolicyDraft(filters: ["my-app:.*"], ago: "0d", protect: ["my-app:^prod$"]))
        model.press(.character(" "))
        #expect(model.marks.isEmpty)
        #expect(model.flash?.text.contains("Marks are for tags") == true)
        model.press(.enter, .character("/"))
        model.type("prod")
        model.press(.enter, .character(" "))
        #expect(model.marks.isEmpty)
        #expect(model.flash?.kind == .warning)
        #expect(model.selectedTagVerdict?.reason == .protected(filter: "my-app:^prod$"))
    }

    @Test("marks work before any filter: hand-picked tags form the plan")
    func marksWithoutPolicy() {
        var model = BrowserFixture.model(draft: PolicyDraft())
        #expect(model.retention?.singlePolicy == nil)
        #expect(model.plan.isEmpty)
        model.press(.enter, .down, .down, .character(" "))
        #expect(model.plan.tagCount == 1)
        #expect(model.plan["my-app"]?.tagsToDelete.map(\.tag) == ["3.0.0"])
    }

    @Test("m switches to the manifests of the repository and back, keeping the same image")
    func manifestsView() {
        var model = BrowserFixture.model()
        model.press(.enter, .down, .down, .character("m"))
        #expect(model.listView == .manifests)
        #expect(model.selectedManifest == BrowserFixture.digest("my-app/m3"))
        #expect(model.visibleManifests.count == 5)
        #expect(model.screen.contains("Manifests of my-app (5)"))
        model.press(.down)
        #expect(model.selectedManifestVerdict?.tags == ["prod"])
        model.press(.character("m"))
        #expect(model.listView == .tags)
        #expect(model.selectedTag == "prod")
    }

    @Test("? opens the help generated from the key table; arrows scroll it, esc/q/?/enter close it")
    func help() {
        for closing in [Key.escape, .character("q"), .character("?"), .enter] {
            var model = BrowserFixture.model()
            model.press(.character("?"))
            #expect(model.context == .help)
            for binding in KeyTable.bindings(in: .browse).prefix(5) {
                #expect(model.screen.contains(binding.help))
            }
            model.press(.down, .down, .pageDown)
            if case .help(let scroll) = model.overlay { #expect(scroll > 2) } else { Issue.record("help closed") }
            model.press(.home)
            if case .help(let scroll) = model.overlay { #expect(scroll == 0) }
            let commands = model.press(closing)
            #expect(commands.isEmpty)
            #expect(model.overlay == nil, "\(closing) closes the help")
        }
    }

    @Test("the help lists every binding of every context")
    func helpIsComplete() {
        var model = BrowserFixture.model(width: 120, height: 40)
        model.press(.character("?"))
        var seen = ""
        for _ in 0..<20 {
            seen += model.screen
            model.press(.pageDown)
        }
        for binding in KeyTable.bindings {
            #expect(seen.contains(String(binding.help.prefix(40))), "\(binding.action) is in the help")
        }
    }

    @Test("q and ctrl-c quit; ctrl-z suspends; ctrl-l redraws")
    func quitting() {
        var model = BrowserFixture.model()
        #expect(model.press(.ctrl("z")).map(\.description) == ["suspend"])
        #expect(model.press(.ctrl("l")).map(\.description) == ["redraw"])
        #expect(model.press(.character("q")).map(\.description) == ["quit"])
        #expect(model.isQuitting)
        var other = BrowserFixture.model()
        other.press(.character("f"))
        #expect(other.press(.ctrl("c")).map(\.description) == ["quit"])
    }

    @Test("below the minimum size only leaving, stopping and redrawing work")
    func keysWhenTooSmall() {
        var model = BrowserFixture.model()
        _ = model.send(.resized(Size(width: 50, height: 10)))
        model.press(.character("f"), .character("D"), .enter)
        #expect(model.composer == nil && model.overlay == nil && model.focus == .repositories)
        #expect(model.press(.character("q")).map(\.description) == ["quit"])
    }

    @Test("unknown and unbound keys change nothing")
    func unboundKeys() {
        var model = BrowserFixture.model()
        let before = model.frame()
        #expect(model.press(.unknown, .function(9), .character("Z"), .resize).isEmpty)
        #expect(model.frame() == before)
    }
}
