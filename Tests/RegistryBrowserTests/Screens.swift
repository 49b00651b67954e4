import Foundation
import RegistryClient
import TUICore

@testable import Purge
@testable import RegistryBrowser

/// The browser's screens in known states, shared by the golden-frame tests.
enum Screens {
    static func browse(width: Int = 80, height: Int = 24, unicode: Bool = true) -> BrowserModel {
        var model = BrowserFixture.model(width: width, height: height, unicode: unicode)
        model.press(.enter)
        return model
    }

    static func manifests() -> BrowserModel {
        var model = browse()
        model.press(.character("m"))
        return model
    }

    static func composer() -> BrowserModel {
        var model = browse()
        model.press(.character("f"))
        return model
    }

    static func composerError() -> BrowserModel {
        var model = composer()
        model.type("[")
        return model
    }

    static func search() -> BrowserModel {
        var model = browse()
        model.press(.character("/"))
        model.type("0.0")
        return model
    }

    /// A mark whose plan is still being made: the old plan on screen, the status line says planning.
    static func planning() -> BrowserModel {
        var model = browse()
        _ = model.update(.key(.character(" ")))
        return model
    }

    /// A keystroke in the composer whose plan is still being made.
    static func composerPlanning() -> BrowserModel {
        var model = composer()
        _ = model.update(.key(.character("x")))
        return model
    }

    static func help() -> BrowserModel {
        var model = browse()
        model.press(.character("?"))
        return model
    }

    static func confirm() -> BrowserModel {
        var model = browse()
        model.press(.character("D"))
        return model
    }

    /// Everything in ci-builds goes: 30 tags and 30 manifests, more than `y` may confirm.
    static func confirmLarge() -> BrowserModel {
        var model = BrowserFixture.model(
            draft: PolicyDraft(filters: ["ci-builds:.*"], ago: "0d", untagged: true), width: 80, height: 24,
            repositories: [BrowserFixture.anotherApp, BrowserFixture.ciBuilds, BrowserFixture.myApp],
            select: "ci-builds")
        model.press(.character("D"))
        model.type("6")
        return model
    }

    static func progress() -> BrowserModel {
        var model = confirm()
        model.press(.character("y"))
        _ = model.send(.execution(.started(total: 7)))
        _ = model.send(.execution(.checking(repository: "my-app")))
        for tag in ["4.0.0", "3.0.0"] {
            _ = model.send(
                .execution(.item(ExecutionItem(repository: "my-app", target: .tag(tag), outcome: .deleted))))
        }
        _ = model.send(.tick(BrowserFixture.now.addingTimeInterval(4)))
        return model
    }

    static func interrupt() -> BrowserModel {
        var model = progress()
        model.press(.ctrl("c"))
        return model
    }

    static let result = ExecutionResult(
        registry: BrowserFixture.registry,
        items: [
            ExecutionItem(repository: "my-app", target: .tag("4.0.0"), outcome: .deleted),
            ExecutionItem(
                repository: "my-app", target: .tag("3.0.0"), outcome: .skipped(reason: "moved since the plan")),
            ExecutionItem(
                repository: "my-app", target: .manifest(BrowserFixture.digest("my-app/m1")),
                outcome: .failed(error: "HTTP 500")),
        ], journalPath: "/state/regsweep/journal.jsonl", interrupted: false)

    static func resultView() -> BrowserModel {
        var model = progress()
        _ = model.send(.executionFinished(result))
        return model
    }

    static func export(_ presses: Int = 0) -> BrowserModel {
        var model = browse()
        model.press(.character("e"))
        for _ in 0..<presses { model.press(.tab) }
        return model
    }

    static func tooSmall() -> BrowserModel {
        var model = browse()
        _ = model.send(.resized(Size(width: 60, height: 20)))
        return model
    }

    static func starting() -> BrowserModel {
        BrowserModel(
            configuration: BrowserConfiguration(registry: BrowserFixture.registry, readOnly: true),
            size: Size(width: 80, height: 24), now: BrowserFixture.now)
    }

    static let all: [(String, @Sendable () -> BrowserModel)] = [
        ("browse", { browse() }), ("manifests", manifests), ("composer", composer), ("composerError", composerError),
        ("search", search), ("planning", planning), ("composerPlanning", composerPlanning), ("help", help),
        ("confirm", confirm), ("confirmLarge", confirmLarge),
        ("progress", progress), ("interrupt", interrupt), ("result", resultView), ("export", { export() }),
        ("exportTerraform", { export(2) }), ("tooSmall", tooSmall), ("starting", starting),
        ("ascii", { browse(unicode: false) }), ("wide", { browse(width: 140, height: 30) }),
    ]
}
