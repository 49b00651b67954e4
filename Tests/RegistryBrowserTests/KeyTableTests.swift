import TUICore
import Testing

@testable import RegistryBrowser

@Suite("The key table")
struct KeyTableTests {
    @Test("no key is bound twice in one context")
    func unique() {
        for context in KeyContext.allCases {
            var seen: [Key: BrowserAction] = [:]
            for binding in KeyTable.bindings(in: context) {
                for key in binding.keys {
                    #expect(seen[key] == nil, "\(key) is bound twice in \(context)")
                    seen[key] = binding.action
                }
            }
        }
    }

    @Test("every context has a way out and a help text for each binding")
    func wayOut() {
        for context in KeyContext.allCases {
            let bindings = KeyTable.bindings(in: context)
            #expect(!bindings.isEmpty, "\(context)")
            #expect(bindings.allSatisfy { !$0.help.isEmpty })
            let leaves: Set<BrowserAction> = [
                .quit, .forceQuit, .closeOverlay, .cancel, .cancelSearch, .acceptSearch,
                .cancelComposer, .closeComposer, .confirm, .interrupt,
            ]
            #expect(bindings.contains { leaves.contains($0.action) }, "\(context) can be left")
        }
    }

    @Test("the footer shows the hints of the context, in table order, as many as fit")
    func footer() {
        let hints = KeyTable.hints(in: .browse, unicode: true)
        #expect(
            hints.map(\.hint) == ["help", "quit", "filter", "delete", "mark", "search", "sort", "manifests", "export"])
        let wide = BrowserFixture.model(width: 120, height: 30)
        #expect(
            wide.lines.last
                == " ? help  q quit  f filter  D delete  space mark  / search  s sort  m manifests  e export")
        let narrow = BrowserFixture.model(width: 80, height: 24)
        #expect(narrow.lines.last?.hasSuffix("m manifests") == true)
    }

    @Test("labels follow the terminal: arrows or words")
    func labels() {
        let binding = KeyBinding([.up, .character("k")], .moveUp, "move up", in: [.browse])
        #expect(binding.keyLabel(unicode: true) == "↑ k")
        #expect(binding.keyLabel(unicode: false) == "up k")
    }

    @Test("uppercase D deletes; lowercase d does nothing")
    func destructiveIsUppercase() {
        #expect(KeyTable.binding(for: .character("D"), in: .browse)?.action == .delete)
        #expect(KeyTable.binding(for: .character("d"), in: .browse) == nil)
    }
}
