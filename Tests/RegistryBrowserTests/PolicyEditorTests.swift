import Foundation
import PolicyYAML
import Purge
import RegistryClient
import TUICore
import Testing

@testable import RegistryBrowser

/// The browser on a policy file: the rule list in the composer, the rule each row names, and the
/// write-back with its diff. The run loop's two effects (making the text, writing it) are played
/// here by `PolicyFile.rendered` and by hand, as `BrowseEffects` plays them.
@Suite("The browser as a policy editor (browse --policy FILE)")
struct PolicyEditorTests {
    static let text = #"""
        # Retention for the fixture registry.
        protect: ['.*:^prod$']       # production stays
        rules:
          # The current majors stay.
          - name: current
            action: keep
            filters: ['my-app:^[34]\.']
          - name: old
            filters: ['.*:.*']
            ago: 0d                  # everything else
            untagged: true

        """#

    static func file(_ text: String = Self.text) throws -> PolicyFileSource {
        let file = try PolicyFile.parse(text, path: "retention.yaml")
        return PolicyFileSource(path: "retention.yaml", text: text, document: file.document)
    }

    static func model(_ text: String = Self.text, width: Int = 110) throws -> BrowserModel {
        var model = BrowserModel(
            configuration: BrowserConfiguration(
                registry: BrowserFixture.registry, policyFile: try file(text), supportsUnicode: true),
            size: Size(width: width, height: 32), now: BrowserFixture.now)
        model.send(.repositoriesListed(["another-app", "my-app"]))
        model.send(
            .capabilitiesFound(
                RegistryCapabilities(tagDeletion: .native, deleteEnabled: true, referrersAPI: false, catalog: true)))
        model.send(.repositoryLoaded(BrowserFixture.anotherApp))
        model.send(.repositoryLoaded(BrowserFixture.myApp))
        model.selectedRepository = "my-app"
        model.send(.tick(BrowserFixture.now))
        return model
    }

    /// Tag → (deleted?, rule) in `repository`.
    static func verdicts(_ model: BrowserModel, _ repository: String) -> [String: String] {
        var result: [String: String] = [:]
        for verdict in model.plan[repository]?.tags ?? [] {
            result[verdict.tag] = "\(verdict.reason.action == .delete ? "delete" : "keep") \(verdict.rule ?? "-")"
        }
        return result
    }

    /// Plays the run loop for a `.renderPolicy` command: the file's new text, as `BrowseEffects` makes it.
    static func render(_ commands: [BrowserCommand]) throws -> PolicyWrite {
        guard case .renderPolicy(var write) = commands.first else {
            Issue.record("expected a render command, got \(commands)")
            throw CancellationError()
        }
        write.text = try PolicyFile.rendered(
            write.document, path: write.path, original: write.original, origins: write.origins)
        return write
    }

    @Test("the file's rules decide: keep shields from the later delete rule, protect wins over both")
    func rulesDecide() throws {
        let model = try Self.model()
        #expect(
            Self.verdicts(model, "my-app") == [
                "1.0.0": "delete old", "2.0.0": "delete old", "prod": "keep -", "3.0.0": "keep current",
                "4.0.0": "keep current", "dev": "delete old",
            ])
        #expect(
            Self.verdicts(model, "another-app") == ["1.0.0": "delete old", "2.0.0": "delete old", "dev": "delete old"])
        // dev goes but its manifest stays: 4.0.0, kept by 'current', still points to it.
        #expect(model.plan["my-app"]?.manifestsToDelete.count == 2)
    }

    @Test("the header names the file, the lists name each row's rule, the reason line says why")
    func screen() throws {
        var model = try Self.model()
        #expect(model.lines[0].contains("policy: retention.yaml (2 rules)"))
        let header = try #require(model.lines.first { $0.contains("TAG") && $0.contains("VERDICT") })
        #expect(header.contains("RULE"))
        let row = try #require(model.lines.first { $0.contains("3.0.0") && $0.contains("│") })
        #expect(row.contains("current"))
        model.press(.tab)
        model.selectedTag = "3.0.0"
        model.send(.tick(BrowserFixture.now))
        #expect(model.screen.contains("kept by rule 'current'"))
        model.selectedTag = "prod"
        model.send(.tick(BrowserFixture.now))
        #expect(model.screen.contains("kept: protected by the policy's protect .*:^prod$"))
    }

    @Test("f opens on the rule list; j/k select, tab edits the selected rule, the plan follows each key")
    func editing() throws {
        var model = try Self.model()
        model.press(.character("f"))
        #expect(model.context == .rules)
        #expect(model.composer?.field == .rules)
        #expect(model.screen.contains("Policy rules (live preview)"))
        #expect(model.screen.contains(" 1 current keep "))
        #expect(model.screen.contains(" 2 old delete "))
        model.press(.character("j"))
        #expect(model.draft.selected == 1)
        // tab: name, action, filters, ago; the ago is edited in place.
        model.press(.tab, .tab, .tab, .tab)
        #expect(model.composer?.field == .ago)
        #expect(model.context == .composer)
        model.press(.ctrl("u"))
        model.type("400d")
        // Every image is about half a year old: nothing is old enough for 'old' now.
        #expect(model.plan.tagCount == 0)
        #expect(Self.verdicts(model, "my-app")["1.0.0"] == "keep old")
        #expect(model.lines[0].contains("edited: w writes"))
        model.press(.escape)
        #expect(model.composer == nil)
        #expect(model.plan.tagCount == 6)
        #expect(!model.hasUnsavedRules)
    }

    @Test("a adds a rule after the selected one, d removes it, K and J move it: order decides")
    func ruleList() throws {
        var model = try Self.model()
        model.press(.character("f"), .character("a"))
        #expect(model.draft.rules.map(\.name) == ["current", "rule-2", "old"])
        #expect(model.composer?.field == .filters)
        // The new rule has no filters yet: an error, and the plan shown is the last valid one.
        #expect(model.errors(at: .filters).count == 1)
        #expect(model.plan.tagCount == 6)
        model.type("another-app:^dev$")
        // 'rule-2' deletes dev after 30 days: it is older, so it still goes, now by rule-2.
        #expect(Self.verdicts(model, "another-app")["dev"] == "delete rule-2")
        // Make rule-2 a keep rule: dev is shielded from 'old'.
        model.press(.backTab)
        #expect(model.composer?.field == .action)
        model.press(.character(" "))
        #expect(model.draft.rule.action == .keep)
        #expect(Self.verdicts(model, "another-app")["dev"] == "keep rule-2")
        // Move 'old' to the top: it now decides every tag before the keep rules do.
        model.press(.backTab, .backTab)
        #expect(model.context == .rules)
        model.press(.character("j"), .character("K"), .character("K"))
        #expect(model.draft.rules.map(\.name) == ["old", "current", "rule-2"])
        #expect(Self.verdicts(model, "my-app")["3.0.0"] == "delete old")
        #expect(Self.verdicts(model, "my-app")["prod"] == "keep -")
        model.press(.character("J"))
        #expect(model.draft.rules.map(\.name) == ["current", "old", "rule-2"])
        model.press(.character("d"))
        #expect(model.draft.rules.map(\.name) == ["current", "rule-2"])
        #expect(model.plan.tagCount == 0)
        model.press(.character("d"), .character("d"))
        #expect(model.draft.rules.isEmpty)
        #expect(model.screen.contains("no rules: a adds one"))
        #expect(model.draftErrors.map(\.field) == [.rules])
    }

    @Test("names are checked as the file checks them: empty and repeated names are errors on that rule")
    func names() throws {
        var model = try Self.model()
        model.press(.character("f"), .tab)
        #expect(model.composer?.field == .name)
        model.press(.ctrl("u"))
        #expect(model.errors(at: .name).map(\.message) == ["name the rule: every verdict names it"])
        model.type("old")
        #expect(model.draftErrors.map(\.rule) == [1])
        #expect(model.draftErrors.first?.message == "rule 1 is already named 'old': names must be unique")
        // The error is the other rule's: the focused rule's name field is not red, the message says where.
        #expect(model.screen.contains("rule 2 'old', name: rule 1 is already named 'old'"))
        model.press(.backspace)
        #expect(model.draftErrors.isEmpty)
    }

    @Test("w shows the diff first, y writes, and the written file is the new baseline")
    func writeBack() throws {
        var model = try Self.model()
        #expect(model.press(.character("w")).isEmpty)
        #expect(model.flash?.text == "Nothing to write: retention.yaml already states these rules.")
        model.press(.character("f"), .character("j"), .tab, .tab, .tab, .tab, .ctrl("u"))
        model.type("3d")
        model.press(.enter)
        let write = try Self.render(model.press(.character("w")))
        model.send(.policyRendered(write))
        guard case .writePolicy(let state) = model.overlay else {
            Issue.record("no diff overlay: \(String(describing: model.overlay))")
            return
        }
        #expect(
            state.diff.filter { $0.kind != .same && $0.kind != .folded }.map(\.unified) == [
                "-    ago: 0d                  # everything else", "+    ago: 3d                  # everything else",
            ])
        #expect(model.context == .writePolicy)
        #expect(model.screen.contains("Write retention.yaml? (y writes, n or esc does not)"))
        #expect(model.screen.contains("+    ago: 3d                  # everything else"))
        let commands = model.press(.character("y"))
        guard case .writePolicy(let confirmed) = commands.first else {
            Issue.record("y did not write: \(commands)")
            return
        }
        #expect(confirmed.text == Self.text.replacingOccurrences(of: "ago: 0d ", with: "ago: 3d "))
        model.send(.policyWritten(confirmed))
        #expect(model.policyFile?.text == confirmed.text)
        #expect(!model.hasUnsavedRules)
        #expect(model.flash?.text == "Wrote retention.yaml: 2 rules. Review it with git diff.")
        #expect(!model.lines[0].contains("edited"))
    }

    @Test("written from the rule list, esc afterwards keeps what was written")
    func escAfterWrite() throws {
        var model = try Self.model()
        model.press(.character("f"), .character("d"))
        let write = try Self.render(model.press(.character("w")))
        model.send(.policyRendered(write))
        guard case .writePolicy(let written) = model.press(.character("y")).first else {
            Issue.record("y did not write")
            return
        }
        model.send(.policyWritten(written))
        #expect(model.composer != nil)
        model.press(.escape)
        #expect(model.draft.rules.map(\.name) == ["old"])
        #expect(!model.hasUnsavedRules)
    }

    @Test("n leaves the file alone; a failed write says why and changes nothing")
    func writeRefused() throws {
        var model = try Self.model()
        model.press(.character("f"), .character("d"), .enter)
        let write = try Self.render(model.press(.character("w")))
        model.send(.policyRendered(write))
        #expect(model.press(.character("n")).isEmpty)
        #expect(model.overlay == nil)
        #expect(model.hasUnsavedRules)
        model.send(.policyWriteFailed("not written: it changed on disk since regsweep read it"))
        #expect(model.flash?.kind == .warning)
        #expect(model.policyFile?.text == Self.text)
    }

    @Test("a diff made for rules that have changed since is not shown")
    func staleRender() throws {
        var model = try Self.model()
        model.press(.character("f"), .character("d"), .enter)
        let write = try Self.render(model.press(.character("w")))
        model.press(.character("f"), .character("a"), .enter)
        model.send(.policyRendered(write))
        #expect(model.overlay == nil)
        #expect(model.flash?.text == "The rules changed while the diff was made: press w again.")
    }

    @Test("without a policy file, w says how to get one")
    func writeWithoutFile() {
        var model = BrowserFixture.model()
        #expect(model.press(.character("w")).isEmpty)
        #expect(
            model.flash?.text.hasPrefix("w writes a policy file: open one with regsweep browse --policy FILE") == true)
    }

    @Test("e on a policy file shows its schedules: a CronJob, a workflow, a GitLab pipeline")
    func schedules() throws {
        var model = try Self.model()
        model.press(.character("e"))
        #expect(model.context == .export)
        #expect(model.screen.contains("Kubernetes CronJob running `regsweep purge --policy` on a schedule"))
        func text(_ format: SchedulerFormat) -> String {
            model.scheduleLines(format, width: 200, theme: Theme(unicode: true)).map { $0.map(\.0).joined() }
                .joined(separator: "\n")
        }
        #expect(text(.k8sCronJob).contains("kind: CronJob"))
        #expect(text(.k8sCronJob).contains("concurrencyPolicy: Forbid"))
        // The ConfigMap holds the file as it is on disk, comments and all.
        #expect(text(.k8sCronJob).contains("    protect: ['.*:^prod$']       # production stays"))
        model.press(.tab)
        #expect(model.screen.contains("GitHub Actions"))
        #expect(text(.githubActions).contains("workflow_dispatch"))
        model.press(.tab)
        #expect(text(.gitlabCI).contains("regsweep purge --policy"))
        model.press(.escape)
        // Unsaved edits are not in the schedule, and the view says so.
        model.press(.character("f"), .character("d"), .enter, .character("e"))
        #expect(model.screen.contains("The rules are edited but not written"))
    }

    @Test("a keep rule's composer dims what a keep rule cannot have, and tab skips it")
    func keepRuleFields() throws {
        var model = try Self.model()
        model.press(.character("f"))
        var visited: [ComposerField] = []
        for _ in 0..<6 {
            model.press(.tab)
            visited.append(model.composer?.field ?? .rules)
        }
        #expect(visited == [.name, .action, .filters, .protect, .rules, .name])
        #expect(model.screen.contains("a keep rule keeps what its filters select"))
    }
}

@Suite("TextDiff: the write-back's diff")
struct TextDiffTests {
    @Test("changed lines in order, a few unchanged around them, long stretches folded")
    func folding() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...20).map { "line \($0)" }
        lines[9] = "line ten"
        lines.insert("new", at: 15)
        let diff = TextDiff.lines(from: old, to: lines.joined(separator: "\n") + "\n")
        #expect(
            diff.map(\.unified) == [
                "7 unchanged lines", " line 8", " line 9", "-line 10", "+line ten", " line 11", " line 12",
                " line 13", " line 14", " line 15", "+new", " line 16", " line 17", "3 unchanged lines",
            ])
        #expect(TextDiff.hasChanges(diff))
        #expect(!TextDiff.hasChanges(TextDiff.lines(from: old, to: old)))
    }
}
