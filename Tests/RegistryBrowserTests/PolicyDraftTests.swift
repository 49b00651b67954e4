import Purge
import Testing

@testable import RegistryBrowser

@Suite("PolicyDraft: raw composer text to a policy, with errors per field")
struct PolicyDraftTests {
    @Test("the flags round-trip into the draft")
    func fromFlags() {
        let draft = PolicyDraft(
            filters: ["a:.*", "b:x"], ago: "30d", keep: 2, untagged: true, includeLocked: true, protect: ["a:^v"])
        #expect(draft.filters == "a:.* b:x")
        #expect(draft.keep == "2")
        #expect(draft.filterList == ["a:.*", "b:x"])
        let validation = draft.validate()
        #expect(validation.errors.isEmpty)
        #expect(validation.policy?.filters.map(\.text) == ["a:.*", "b:x"])
        #expect(validation.policy?.keep == 2)
        #expect(validation.policy?.protect.map(\.text) == ["a:^v"])
    }

    @Test("an error in the second filter points into the second filter")
    func columnInSecondWord() {
        let draft = PolicyDraft(filters: ["a:.*", "b:(x"], ago: "0d")
        let errors = draft.validate().errors
        #expect(errors.count == 1)
        #expect(errors.first?.field == .filters)
        // "a:.* b:(x": the second filter starts at column 6; the missing ')' is at its end, column 9.
        #expect(errors.first?.column == 9)
    }

    @Test(
        "every field reports its own problem",
        arguments: [
            (PolicyDraft(filters: ["nocolon"], ago: "0d"), ComposerField.filters),
            (PolicyDraft(filters: ["a:x"], ago: "0d", protect: ["p:["]), .protect),
            (PolicyDraft(filters: ["a:x"], ago: "3 days"), .ago),
            (PolicyDraft(filters: ["a:x"]), .ago),
            (PolicyDraft(filters: ["a:x"], ago: "0d", untagged: true, untaggedOnly: true), .untaggedOnly),
            (PolicyDraft(ago: "0d"), .filters),
        ])
    func fieldErrors(draft: PolicyDraft, field: ComposerField) {
        let validation = draft.validate()
        #expect(validation.policy == nil)
        #expect(validation.errors.map(\.field).contains(field))
    }

    @Test("keep must be a whole number")
    func keep() {
        var draft = PolicyDraft(filters: ["a:x"], ago: "0d")
        draft.keep = "-1"
        #expect(draft.validate().errors.map(\.field) == [.keep])
        draft.keep = "three"
        #expect(draft.validate().errors.map(\.field) == [.keep])
        draft.keep = " 3 "
        #expect(draft.validate().policy?.keep == 3)
    }

    @Test("--untagged-only needs neither a filter nor --ago")
    func untaggedOnly() {
        let validation = PolicyDraft(untaggedOnly: true).validate()
        #expect(validation.errors.isEmpty)
        #expect(validation.policy?.untaggedOnly == true)
    }

    @Test("no flags is not an error at start; the composer explains what is missing once opened")
    func emptyAtStart() {
        var model = BrowserFixture.model(draft: PolicyDraft())
        #expect(model.draftErrors.isEmpty)
        #expect(model.screen.contains("policy: none yet (f composes one)"))
        model.press(.character("f"))
        #expect(model.draftErrors.map(\.field).contains(.filters))
    }

    @Test("invalid flags at start: nothing is planned and the error is shown")
    func invalidAtStart() {
        let model = BrowserFixture.model(draft: PolicyDraft(filters: ["my-app:["], ago: "0d"))
        #expect(model.retention?.singlePolicy == nil)
        #expect(model.plan.isEmpty)
        #expect(model.screen.contains("Filter error (filter): invalid regular expression"))
    }

    @Test("text input editing")
    func textInput() {
        var input = TextInput("ac")
        input.moveLeft()
        input.insert("b")
        #expect(input.text == "abc" && input.cursor == 2)
        input.moveHome()
        input.deleteBackward()
        input.deleteForward()
        #expect(input.text == "bc")
        input.moveEnd()
        input.deleteForward()
        input.moveRight()
        #expect(input.cursor == 2)
        input.clear()
        #expect(input.text.isEmpty && input.cursor == 0)
    }
}
