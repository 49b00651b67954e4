import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The browser as a user meets it: the real binary in tmux, against a real seeded registry, checked
/// on screen and, for what it changed, with skopeo.
@Suite("Browser end to end (tmux)", .serialized, .timeLimit(.minutes(3)))
struct BrowserEndToEndTests {
    static let articleFilter = ["--filter", "my-app:^((?!prod|dev).)*$", "--ago", "0d", "--untagged"]
    static let allMyApp = ["1.0.0", "2.0.0", "3.0.0", "4.0.0", "dev", "prod"]
    static let allAnotherApp = ["1.0.0", "2.0.0", "dev"]

    /// The tag rows of the tags pane: `(glyph, tag, verdict)` for each row that names one of `tags`.
    static func tagRows(_ screen: String, tags: [String]) -> [String: String] {
        var rows: [String: String] = [:]
        for line in screen.split(separator: "\n").map(String.init) {
            // "││✗ 4.0.0   74f511912b95 …  delete   │": the part after the repository pane.
            guard let pane = line.components(separatedBy: "││").dropFirst().first else { continue }
            let words = pane.split(separator: " ").map(String.init)
            guard words.count >= 2, tags.contains(words[1]) else { continue }
            rows[words[1]] = pane
        }
        return rows
    }

    @Test(
        "the article's selection: four tags and three manifests marked, D then y, and the registry keeps dev and prod")
    func deleteTheArticleSelection() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await BrowserTmux.with(["browse", "-r", registry.host] + Self.articleFilter) { tmux in
                try await tmux.wait(for: "Plan: 4 tags and 3 manifests to delete in 1 repository")
                // another-app is first; j selects my-app, enter focuses its tags.
                try await tmux.press("j", "Enter")
                let tags = try await tmux.wait(for: "Tags of my-app (6)")
                let rows = Self.tagRows(tags, tags: Self.allMyApp)
                #expect(rows.count == 6, "\(tags)")
                for tag in ["4.0.0", "3.0.0", "2.0.0", "1.0.0"] {
                    #expect(
                        rows[tag]?.hasPrefix("✗ \(tag) ") == true && rows[tag]?.contains(" delete ") == true, "\(tag)")
                }
                for tag in ["dev", "prod"] {
                    #expect(
                        rows[tag]?.hasPrefix("· \(tag) ") == true && rows[tag]?.contains("not matched") == true,
                        "\(tag)")
                }
                // The manifests view: three go, the two still tagged stay.
                try await tmux.press("m")
                let manifests = try await tmux.wait(for: "Manifests of my-app (5)")
                let manifestRows = manifests.split(separator: "\n").filter {
                    $0.contains("││") && $0.contains(" image ")
                }
                #expect(
                    manifestRows.filter { $0.contains("││✗ ") && $0.contains(" delete ") }.count == 3, "\(manifests)")
                #expect(
                    manifestRows.filter { $0.contains("││✓ ") && $0.contains(" tagged ") }.count == 2, "\(manifests)")
                try await tmux.press("m")

                try await tmux.press("D")
                let dialog = try await tmux.wait(for: "Delete from \(registry.host)?")
                #expect(dialog.contains("4 tags and 3 manifests will be deleted in 1 repository"))
                #expect(dialog.contains("my-app: 4 tags, 3 manifests"))
                #expect(dialog.contains("[ Cancel ]"))
                try await tmux.press("y")
                let result = try await tmux.wait(for: "Deletion finished", timeout: .seconds(60))
                #expect(result.contains("Deleted 4 tags and 3 manifests · 0 skipped · 0 failed"), "\(result)")
                #expect(result.contains("Journal: \(tmux.home)/state/regsweep/journal-"))
                try await tmux.wait(for: "The inventory was reloaded.")
                try await tmux.press("Escape")
                let after = try await tmux.wait(for: "Tags of my-app (2)")
                #expect(Set(Self.tagRows(after, tags: Self.allMyApp).keys) == ["dev", "prod"])
                try await tmux.press("q")
                try await tmux.wait(for: "EXIT:0")
            }
            #expect(try await Skopeo.listTags(registry, repository: "my-app") == ["dev", "prod"])
            #expect(try await Skopeo.listTags(registry, repository: "another-app") == Self.allAnotherApp)
        }
    }

    @Test("the details pane shows the selected image's labels, read from the cache the load filled")
    func labelsOfTheSelectedImage() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await BrowserTmux.with(
                ["browse", "-r", registry.host] + Self.articleFilter, width: 132, height: 40
            ) { tmux in
                try await tmux.wait(for: "Plan: 4 tags and 3 manifests to delete in 1 repository")
                let before = try Data(contentsOf: URL(fileURLWithPath: registry.logPath)).count
                try await tmux.press("j", "Enter")
                let details = try await tmux.wait(for: "io.regsweep.synthetic=true")
                #expect(details.contains("Details of my-app:4.0.0"), "\(details)")
                // The registry logs a request once it has answered it.
                try await Task.sleep(for: .milliseconds(300))
                let log = try Data(contentsOf: URL(fileURLWithPath: registry.logPath)).dropFirst(before)
                let blobs = String(decoding: log, as: UTF8.self).split(separator: "\n").filter {
                    $0.contains("\"GET /v2/my-app/blobs/")
                }
                #expect(blobs.isEmpty, "the config came from the content cache: \(blobs)")
                try await tmux.press("q")
                try await tmux.wait(for: "EXIT:0")
            }
        }
    }

    @Test("on ACR: the API and lock state on screen, a locked tag kept, the rest untagged through /acr/v1")
    func acrLocksOnScreen() async throws {
        try await AcrEmulator.with { acr in
            try await ACRPurgeTests.seed(acr) { try await DemoSeed.pushArticleScenario($0) }
            for (tag, day) in [("1.0.0", 10), ("2.0.0", 12), ("prod", 13), ("3.0.0", 15), ("4.0.0", 18), ("dev", 18)] {
                ACRPurgeTests.date(acr, "my-app", tag, DemoSeed.day(2022, 12, day))
            }
            acr.setAttributes(repository: "my-app", tag: "1.0.0", deleteEnabled: nil, writeEnabled: false)
            let seeded = acr.requests().count
            let login = ["REGSWEEP_USERNAME": acr.adminUsername, "REGSWEEP_PASSWORD": acr.adminPassword]
            try await BrowserTmux.with(
                ["browse", "-r", acr.host] + Self.articleFilter, width: 132, height: 34, environment: login
            ) { tmux in
                let header = try await tmux.wait(for: "Plan: 3 tags and 2 manifests to delete in 1 repository")
                #expect(header.contains("ACR API"), "\(header)")
                #expect(header.contains("ages: ACR last update"), "\(header)")
                try await tmux.press("j", "Enter")
                let tags = try await tmux.wait(for: "Tags of my-app (6)")
                #expect(tags.contains("LOCK"))
                let locked = BrowserTmux.rows(tags, containing: " 1.0.0 ")
                #expect(
                    locked.count == 1 && locked.allSatisfy { $0.contains(" wr ") && $0.contains("locked") }, "\(tags)")
                // ACR's loads read no configs: the selected image's labels come from the registry.
                try await tmux.wait(for: "io.regsweep.synthetic=true")
                try await tmux.press("D")
                try await tmux.wait(for: "Delete from \(acr.host)?")
                try await tmux.press("y")
                let result = try await tmux.wait(for: "Deletion finished", timeout: .seconds(60))
                #expect(result.contains("Deleted 3 tags and 2 manifests · 0 skipped · 0 failed"), "\(result)")
                try await tmux.wait(for: "The inventory was reloaded.")
                try await tmux.press("Escape")
                let after = try await tmux.wait(for: "Tags of my-app (3)")
                #expect(after.contains("1.0.0"))
                try await tmux.press("q")
                try await tmux.wait(for: "EXIT:0")
            }
            #expect(acr.tags(repository: "my-app").keys.sorted() == ["1.0.0", "dev", "prod"])
            let writes = ACRPurgeTests.writes(acr, since: seeded).map { "\($0.method) \($0.path)" }
            #expect(writes.contains("DELETE /acr/v1/my-app/_tags/4.0.0"), "\(writes)")
            #expect(!writes.contains { $0.hasPrefix("PUT ") }, "no placeholder on ACR: \(writes)")
        }
    }

    @Test("--read-only: D is blocked and says so; nothing is deleted")
    func readOnly() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await BrowserTmux.with(["browse", "-r", registry.host, "--read-only"] + Self.articleFilter) { tmux in
                let screen = try await tmux.wait(for: "Plan: 4 tags and 3 manifests")
                #expect(screen.contains("READ-ONLY"))
                try await tmux.press("D")
                let blocked = try await tmux.wait(for: "Read-only: deleting is blocked")
                #expect(!blocked.contains("Delete from"))
                try await tmux.press("y", "Enter")
                try await tmux.press("q")
                let end = try await tmux.wait(for: "EXIT:0")
                #expect(!end.contains("Deleted"))
            }
            #expect(try await Skopeo.listTags(registry, repository: "my-app") == Self.allMyApp)
        }
    }

    @Test("typing an invalid regex shows the error inline and keeps the last plan; fixing it re-plans")
    func invalidRegexThenFix() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            let start = ["browse", "-r", registry.host, "--filter", "my-app:^1", "--ago", "0d", "--untagged"]
            try await BrowserTmux.with(start) { tmux in
                try await tmux.wait(for: "Plan: 1 tag and 1 manifest to delete in 1 repository")
                try await tmux.press("f")
                try await tmux.wait(for: "Filter (live preview)")
                try await tmux.press("C-u")
                try await tmux.type("my-app:^((?!prod|dev).)*$[")
                // Keys arrive one by one: wait for the state after the last one. The last valid plan is
                // the one of my-app:^((?!prod|dev).)*$, typed just before the '['.
                let broken = try await tmux.wait(for: "the error and the last valid plan") {
                    $0.contains("invalid regular expression '^((?!prod|dev).)*$['")
                        && $0.contains("Plan: 4 tags and 3 manifests to delete in 1 repository")
                }
                #expect(broken.contains("the plan shown is the last valid one"))
                #expect(broken.contains("policy: --filter 'my-app:^((?!prod|dev).)*$'"))
                try await tmux.press("C-u")
                try await tmux.type("my-app:(")
                try await tmux.wait(for: "invalid regular expression '('")
                try await tmux.press("BSpace")
                try await tmux.type("2")
                let fixed = try await tmux.wait(for: "Plan: 1 tag and 1 manifest to delete")
                #expect(!fixed.contains("invalid regular expression"))
                try await tmux.press("Enter")
                try await tmux.wait(for: "policy: --filter 'my-app:2'")
                try await tmux.press("q")
                try await tmux.wait(for: "EXIT:0")
            }
            #expect(try await Skopeo.listTags(registry, repository: "my-app") == Self.allMyApp)
        }
    }

    @Test("the layout follows a resize, says when the terminal is too small, and recovers")
    func resize() async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await BrowserTmux.with(["browse", "-r", registry.host] + Self.articleFilter, width: 100, height: 30) {
                tmux in
                let wide = try await tmux.wait(for: "Plan: 4 tags and 3 manifests")
                #expect(
                    wide.split(separator: "\n").contains { $0.hasPrefix("┌ Repositories (2) ") && $0.hasSuffix("┐") })
                try await tmux.resize(width: 60, height: 20)
                let small = try await tmux.wait(for: "Terminal too small: 60×20")
                #expect(!small.contains("Repositories"))
                try await tmux.resize(width: 140, height: 40)
                let large = try await tmux.wait(for: "Repositories (2)")
                let lines = large.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count >= 40)
                // The bottom border now sits on row 37 (of 40): header 2, panes 35, then three lines.
                #expect(lines[36].hasPrefix("└") && lines[36].hasSuffix("┘") && lines[36].count == 140, "\(large)")
                #expect(lines[38].contains("Plan: 4 tags and 3 manifests"))
                try await tmux.press("q")
                try await tmux.wait(for: "EXIT:0")
            }
        }
    }

    @Test("q, ctrl-c and SIGTERM all leave the terminal as it was", arguments: ["q", "C-c", "SIGTERM"])
    func terminalRestored(way: String) async throws {
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await BrowserTmux.with(["browse", "-r", registry.host]) { tmux in
                try await tmux.wait(for: "Repositories (2)")
                if way == "SIGTERM" {
                    #expect(kill(try tmux.pid(), SIGTERM) == 0)
                } else {
                    try await tmux.press(way)
                }
                let end = try await tmux.wait(for: "EXIT:")
                #expect(end.contains("BEFORE-MARK"), "the shell's screen is back: \(end)")
                #expect(end.contains("TTY-SAME"), "the terminal modes are as they were: \(end)")
                #expect(!end.contains("Repositories"))
                #expect(end.contains(way == "SIGTERM" ? "EXIT:143" : "EXIT:0"))
            }
        }
    }

    @Test("stopping a running deletion finishes the item in flight: no failure, every tag left intact")
    func interruptBetweenItems() async throws {
        try await TestRegistry.with(.none) { registry in
            // 150 single-tag images: without --untagged each tag is deleted on its own (by placeholder on
            // distribution), the path that must never be cut halfway.
            let count = 150
            let pushed = try await registry.withClient { client -> [String: Digest] in
                let pusher = FixturePusher(client: client)
                return try await withThrowingTaskGroup(of: [String: Digest].self) { group in
                    for worker in 0..<6 {
                        group.addTask {
                            var digests: [String: Digest] = [:]
                            for number in stride(from: worker, to: count, by: 6) {
                                let tag = String(format: "v%03d", number)
                                let spec = ImageSpec(
                                    seed: "bulk:" + tag, created: DemoSeed.day(2023, 1, 1), layerBytes: 64)
                                digests[tag] = try await pusher.pushImage(repository: "bulk", tags: [tag], spec: spec)
                                    .digest
                            }
                            return digests
                        }
                    }
                    return try await group.reduce(into: [:]) { $0.merge($1) { first, _ in first } }
                }
            }
            try await BrowserTmux.with(["browse", "-r", registry.host, "--filter", "bulk:.*", "--ago", "0d"]) { tmux in
                try await tmux.wait(for: "Plan: \(count) tags and 0 manifests")
                try await tmux.press("D")
                try await tmux.wait(for: "type \(count) and press enter")
                try await tmux.type(String(count))
                try await tmux.press("Enter")
                try await tmux.wait(for: "some deleted, not all") { screen in
                    screen.range(of: #"deleted [1-9][0-9]* ·"#, options: .regularExpression) != nil
                        && screen.contains("Deleting from")
                }
                try await tmux.press("C-c")
                try await tmux.wait(for: "Stop the deletion?")
                try await tmux.press("y")
                let result = try await tmux.wait(for: "Deletion interrupted", timeout: .seconds(60))
                #expect(result.contains("skipped · 0 failed"), "\(result)")
                #expect(result.contains("Interrupted: the rest of the plan was not carried out."))
                try await tmux.press("Escape", "q")
                try await tmux.wait(for: "EXIT:0")
            }
            // Every tag is either gone or still on its own manifest: none is left on a placeholder.
            let now = try await registry.withClient { client -> [String: Digest?] in
                var found: [String: Digest?] = [:]
                for tag in pushed.keys {
                    // updateValue: assigning nil through the subscript would drop the key.
                    found.updateValue(try await client.head(repository: "bulk", reference: tag)?.digest, forKey: tag)
                }
                return found
            }
            let gone = now.filter { $0.value == nil }.count
            #expect(gone > 0 && gone < count, "\(gone) of \(count) tags deleted")
            for (tag, digest) in now {
                if let digest { #expect(digest == pushed[tag], "\(tag) points to \(digest), not the image it had") }
            }
        }
    }

    static let policyText = """
        # Retention for the article's registry.
        protect: ['.*:^prod$']        # production stays
        rules:
          # Whatever is called dev stays.
          - name: keep-dev
            action: keep
            filters: ['.*:^dev$']
          - name: old
            filters: ['my-app:.*']
            ago: 0d
            untagged: true

        """

    @Test("--policy: edit a rule in the composer, see the plan follow with each row's rule, w writes it with a diff")
    func editAndWritePolicy() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("regsweep-policy-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("retention.yaml").path
        try Self.policyText.write(toFile: path, atomically: true, encoding: .utf8)
        try await TestRegistry.with(.none) { registry in
            try await registry.seedArticleScenario()
            try await BrowserTmux.with(["browse", "-r", registry.host, "--policy", path], width: 120, height: 32) {
                tmux in
                try await tmux.wait(for: "Plan: 4 tags and 3 manifests to delete in 1 repository")
                try await tmux.press("j", "Enter")
                let tags = try await tmux.wait(for: "Tags of my-app (6)")
                #expect(tags.contains("RULE"))
                let rows = Self.tagRows(tags, tags: Self.allMyApp)
                #expect(rows["1.0.0"]?.contains(" old ") == true, "\(tags)")
                #expect(rows["dev"]?.contains(" keep-dev ") == true, "\(tags)")
                // f opens on the rule list; j selects 'old', tab tab tab reaches its filters.
                try await tmux.press("f")
                try await tmux.wait(for: "Policy rules (live preview)")
                try await tmux.press("j", "Tab", "Tab", "Tab", "C-u")
                try await tmux.type(".*:.*")
                try await tmux.wait(for: "Plan: 6 tags")
                try await tmux.press("Enter")
                try await tmux.wait(for: "edited: w writes")
                try await tmux.press("w")
                let diff = try await tmux.wait(for: "y writes, n or esc does not")
                #expect(diff.contains("-    filters: ['my-app:.*']"), "\(diff)")
                #expect(diff.contains("+    filters: ['.*:.*']"), "\(diff)")
                try await tmux.press("y")
                try await tmux.wait(for: "Review it with git diff.")
                try await tmux.press("q")
                try await tmux.wait(for: "EXIT:0")
            }
        }
        // Only the edited line changed: the comments, quotes and order are as they were.
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == Self.policyText.replacingOccurrences(of: "['my-app:.*']", with: "['.*:.*']"))
    }

    @Test("--export prints the policy without opening the browser")
    func export() async throws {
        try await CLI.with { cli in
            let result = try await cli.run(
                [
                    "browse", "-r", "acrtasksdemo.azurecr.io", "--filter", ".*:^((?!prod|dev).)*$", "--untagged",
                    "--ago",
                    "30d", "--export", "az-task",
                ])
            #expect(result.status == 0, "\(result.summary)")
            #expect(
                result.stdoutText
                    == #"az acr task create --name "scheduledAcrPurgeTask" --cmd "acr purge --registry acrtasksdemo --filter '.*:^((?!prod|dev).)*$' --untagged --ago 30d" --schedule "0 1 * * Mon" --registry acrtasksdemo --context /dev/null"#
                    + "\n")
            let invalid = try await cli.run(["browse", "-r", "x", "--filter", "a:[", "--export", "cron"])
            #expect(invalid.status == 64)
            #expect(invalid.stderrText.contains("--filter: invalid regular expression"))
            let unknown = try await cli.run(["browse", "-r", "x", "--export", "yaml"])
            #expect(unknown.status == 64)
            #expect(unknown.stderrText.contains("--export takes one of acr, az-task, terraform, cron"))
        }
    }
}
