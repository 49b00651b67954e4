extension BrowserModel {
    /// `f` or `:`: opens the composer on the first field with an error, else on the filters (a
    /// policy file's on its rule list).
    mutating func openComposer() {
        if let rule = draftErrors.first?.rule { draft.selected = rule }
        let field = draftErrors.first?.field ?? (draft.isFile ? .rules : .filters)
        composer = ComposerState(field: field, input: TextInput(draft.text(of: field)), original: draft)
        if draftErrors.isEmpty { applyDraft() }
    }

    /// The composer's editing keys. Every change re-plans at once (the live preview).
    mutating func editComposer(_ action: BrowserAction, in context: KeyContext) {
        guard var state = composer else { return }
        switch action {
        case .nextField, .previousField:
            state.field = draft.field(after: state.field, forward: action == .nextField)
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
            } else if state.field.isText {
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
        if state.field.isText { draft.setText(state.input.text, of: state.field) }
        applyDraft()
    }

    /// The rule list's keys (a policy file's composer, on its first row): select, add, remove, move.
    mutating func editRules(_ action: BrowserAction) {
        guard composer != nil else { return }
        switch action {
        case .previousRule: draft.select(by: -1)
        case .nextRule: draft.select(by: 1)
        case .addRule:
            draft.addRule()
            // Straight to the new rule's filters: the one thing it lacks.
            composer?.field = .filters
            composer?.input = TextInput(draft.text(of: .filters))
            flash = Flash("Added rule '\(draft.rule.name)' after the selected one: type its filters (tab: next field).")
        case .removeRule:
            guard !draft.rules.isEmpty else { return }
            let name = draft.rule.name
            draft.removeRule()
            flash = Flash("Removed rule '\(name)' (esc undoes every change since f).")
        case .moveRuleUp: draft.moveRule(by: -1)
        case .moveRuleDown: draft.moveRule(by: 1)
        default: return
        }
        applyDraft()
    }

    /// Validates the draft; a valid one becomes the policy and the plan follows, an invalid one only
    /// shows its errors and the last valid plan stays on screen.
    mutating func applyDraft() {
        let validation = draft.validate()
        draftErrors = validation.errors
        if let valid = validation.retention, valid != retention {
            retention = valid
            replan()
        }
    }

    /// The composer's height on screen; 0 when it is closed.
    var composerHeight: Int {
        guard composer != nil else { return 0 }
        return draft.isFile ? BrowserLayout.policyComposerHeight : BrowserLayout.composerHeight
    }

    /// The errors shown at `field`: the policy's own, and the selected rule's.
    func errors(at field: ComposerField) -> [DraftError] {
        draftErrors.filter { $0.field == field && ($0.rule == nil || $0.rule == draft.selected) }
    }

    /// Whether the draft differs from the policy file as last read or written.
    public var hasUnsavedRules: Bool {
        guard let policyFile, draft.isFile else { return false }
        return draft.document(registry: policyFile.document.registry) != policyFile.document
    }
}
