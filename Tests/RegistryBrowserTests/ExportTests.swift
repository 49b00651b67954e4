import Testing

@testable import RegistryBrowser

@Suite("Export: acr purge, az acr task, Terraform, cron")
struct ExportTests {
    static let article = PolicyDraft(filters: [".*:^((?!prod|dev).)*$"], ago: "30d", untagged: true)

    static func export(_ draft: PolicyDraft) throws -> PolicyExport {
        try PolicyExport.from(draft).get()
    }

    @Test("the article's scheduled task, exactly as the article writes it")
    func articleTask() throws {
        let text = try Self.export(Self.article).text(.azTask, registry: "acrtasksdemo.azurecr.io")
        #expect(
            text
                == #"az acr task create --name "scheduledAcrPurgeTask" --cmd "acr purge --registry acrtasksdemo --filter '.*:^((?!prod|dev).)*$' --untagged --ago 30d" --schedule "0 1 * * Mon" --registry acrtasksdemo --context /dev/null"#
        )
    }

    @Test("acr purge command line")
    func acr() throws {
        let draft = PolicyDraft(filters: ["my-app:.*", "b:x"], ago: "0d", keep: 3, untagged: true, includeLocked: true)
        #expect(
            try Self.export(draft).text(.acr, registry: "r.azurecr.io")
                == "acr purge --registry r --filter 'my-app:.*' --filter 'b:x' --untagged --ago 0d --keep 3 --include-locked"
        )
        let untaggedOnly = PolicyDraft(untaggedOnly: true)
        #expect(
            try Self.export(untaggedOnly).text(.acr, registry: "h:5000")
                == "acr purge --registry h:5000 --untagged-only")
    }

    @Test("the Terraform block is the article's, with the composed command")
    func terraform() throws {
        let draft = PolicyDraft(filters: [".*:.*"], ago: "0d", keep: 5, untagged: true)
        let expected = """
            ## ACR Task purge
            resource "azurerm_container_registry_task" "acr_purge_task" {
              name                  = "acrPurgeTask"
              container_registry_id = azurerm_container_registry.acr.id
              platform {
                os           = "Linux"
                architecture = "amd64"
              }
              encoded_step {
                task_content = <<EOF
            version: v1.1.0
            steps:
              - cmd: acr purge --filter '.*:.*' --untagged --ago 0d --keep 5
                disableWorkingDirectoryOverride: true
                timeout: 3600
            EOF
              }
              agent_setting {
                cpu = 2
              }
              timer_trigger {
                name     = "t1"
                schedule = "0 1 * * Mon"
                enabled  = true
              }
            }
            """
        #expect(try Self.export(draft).text(.terraform, registry: "x") == expected)
    }

    @Test("Terraform interpolation and YAML specials are escaped")
    func terraformEscapes() throws {
        let draft = PolicyDraft(filters: ["a:^v${1}x$"], ago: "0d")
        let text = try Self.export(draft).text(.terraform, registry: "x")
        #expect(text.contains("$${1}"))
        // Filters cannot hold spaces (they separate filters), so ": " and " #" only reach YAML by hand.
        #expect(PolicyExport.yamlScalar("acr purge --filter 'a: b'") == "'acr purge --filter ''a: b'''")
        #expect(PolicyExport.yamlScalar("acr purge --filter 'a:b'") == "acr purge --filter 'a:b'")
    }

    @Test("crontab line for regsweep purge, weekly, with % escaped and --protect kept")
    func cron() throws {
        let draft = PolicyDraft(filters: ["a:%d"], ago: "7d", untagged: true, protect: ["a:^v1"])
        let text = try Self.export(draft).text(.cron, registry: "127.0.0.1:5000")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("#"))
        #expect(
            lines[1]
                == #"0 1 * * Mon regsweep purge -r 127.0.0.1:5000 --filter 'a:\%d' --untagged --ago 7d --protect 'a:^v1'"#
        )
    }

    @Test("acr has no --protect: the export says so instead of dropping it silently")
    func protectNote() throws {
        let draft = PolicyDraft(filters: ["a:.*"], ago: "0d", protect: ["a:^prod$"])
        for format in [ExportFormat.acr, .azTask, .terraform] {
            let text = try Self.export(draft).text(format, registry: "x")
            #expect(text.contains("# acr purge has no --protect: 'a:^prod$' would NOT be spared."), "\(format)")
        }
    }

    @Test("quoting: single quotes inside a filter, and $ inside double quotes only where the shell expands it")
    func quoting() {
        #expect(ShellQuoting.single("it's") == #"'it'\''s'"#)
        #expect(ShellQuoting.insideDoubleQuotes(#"a$'b $HOME "q" \ `x` $("#) == #"a$'b \$HOME \"q\" \\ \`x\` \$("#)
    }

    @Test("an invalid draft is not exported; its errors are")
    func invalid() {
        guard case .failure(let problems) = PolicyExport.from(PolicyDraft(filters: ["a:["])) else {
            Issue.record("exported an invalid draft")
            return
        }
        #expect(problems.errors.map(\.field) == [.filters, .ago])
        #expect(problems.description.contains("ago: --ago is required"))
    }

    @Test("e opens the export; tab and shift-tab switch formats; esc closes")
    func exportView() {
        var model = BrowserFixture.model()
        model.press(.character("e"))
        #expect(model.context == .export)
        #expect(model.screen.contains("acr purge --registry registry.test --filter 'my-app:^((?!prod|dev).)*$'"))
        #expect(model.screen.contains("--untagged --ago 0d"))
        model.press(.tab)
        #expect(model.screen.contains("az acr task create"))
        model.press(.right, .right)
        #expect(model.screen.contains("regsweep purge -r registry.test"))
        model.press(.tab)
        if case .export(let format, _) = model.overlay { #expect(format == .acr) }
        model.press(.backTab, .left)
        if case .export(let format, _) = model.overlay { #expect(format == .terraform) }
        model.press(.down, .down)
        if case .export(_, let scroll) = model.overlay { #expect(scroll == 2) }
        model.press(.escape)
        #expect(model.overlay == nil)
    }

    @Test("the export view explains when the composer holds no valid policy")
    func exportWithoutPolicy() {
        var model = BrowserFixture.model(draft: PolicyDraft())
        model.press(.character("e"))
        #expect(model.screen.contains("The composer does not hold a valid policy yet"))
        model.press(.character("q"))
        #expect(model.overlay == nil && !model.isQuitting)
    }
}
