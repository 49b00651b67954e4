extension BrowserModel {
    /// `f` or `:`: opens the composer on the first field with an error, else on the filters.
    mutating func openComposer() {
        let field = draftErrors.first?.field ?? .filters
        composer = ComposerState(field: field, input: TextInput(draft.text(of: field)), original: draft)
        if draftErrors.isEmpty { applyDraft() }
    }

    /// The composer's editing keys. Every change re-plans at once (the live preview).
    mutating func editComposer(_ action: BrowserAction, in context: KeyContext) {
        guard var state = composer else { return }
        switch action {
        case .nextField, .previousField:
            state.field = action == .nextField ? state.field.next : state.field.previous
            state.input = TextInput(draft.text(of: state.field))
        case .closeComposer:
            composer = nil
            if !draftErrors.isEmpty {
                flash = Flash("The filter has errors: the plan shown is the last valid one (f to fix).", kind: .warning)
            }
            return
        case .cancelComposer:
            draft = state.original
            composer = nil
            applyDraft()
            return
        case .toggleField:
            if state.field.isToggle {
                draft.toggle(state.field)
            } else {
                state.input.insert(" ")
            }
        case .clearField: state.input.clear()
        case .cursorLeft: state.input.moveLeft()
        case .cursorRight: state.input.moveRight()
        case .cursorHome: state.input.moveHome()
        case .cursorEnd: state.input.moveEnd()
        case .deleteBackward: state.input.deleteBackward()
        case .deleteForward: state.input.deleteForward()
        default: return
        }
        composer = state
        if !state.field.isToggle { draft.setText(state.input.text, of: state.field) }
        applyDraft()
    }

    /// Validates the draft; a valid one becomes the policy and the plan follows, an invalid one only
    /// shows its errors and the last valid plan stays on screen.
    mutating func applyDraft() {
        let validation = draft.validate()
        draftErrors = validation.errors
        if let valid = validation.policy, valid != policy {
            policy = valid
            replan()
        }
    }
}
