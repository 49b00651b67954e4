import Purge
import TUICore

extension BrowserModel {
    /// Dispatches a key through the key table; unbound printable keys are typed where text is edited.
    mutating func handle(key: Key) -> [BrowserCommand] {
        if key == .resize { return [] }
        flash = nil
        // A `D` waiting for its plan is given up by the next key: the user has moved on.
        deleteWhenPlanned = false
        let context = self.context
        guard let binding = KeyTable.binding(for: key, in: context) else {
            if context.acceptsText, case .character(let character) = key, !isTooSmall {
                type(character)
            }
            return []
        }
        // Below the minimum size nothing can be seen, so only keys that leave or stop are honoured.
        if isTooSmall && !Self.actionsWhenTooSmall.contains(binding.action) { return [] }
        return perform(binding.action, in: context)
    }

    static let actionsWhenTooSmall: Set<BrowserAction> = [
        .quit, .forceQuit, .suspend, .redraw, .interrupt, .closeOverlay,
    ]

    /// Carries out one action of the key table.
    mutating func perform(_ action: BrowserAction, in context: KeyContext) -> [BrowserCommand] {
        switch action {
        case .moveUp: move(by: -1, in: context)
        case .moveDown: move(by: 1, in: context)
        case .pageUp: move(by: -pageSize(in: context), in: context)
        case .pageDown: move(by: pageSize(in: context), in: context)
        case .moveToTop: move(by: Int.min / 2, in: context)
        case .moveToBottom: move(by: Int.max / 2, in: context)
        case .switchPane: focus = focus == .repositories ? .list : .repositories
        case .open: open()
        case .back: back()
        case .quit, .forceQuit: return quit()
        case .suspend: return [.suspend]
        case .redraw: return [.redraw]
        case .help: overlay = .help(scroll: 0)
        case .search: searchInput = TextInput(focus == .repositories ? repositorySearch : listSearch)
        case .sort: cycleSort()
        case .mark: toggleMark()
        case .compose: openComposer()
        case .toggleManifests: toggleListView()
        case .delete: requestDelete()
        case .export: overlay = draft.isFile ? .schedule(.k8sCronJob, scroll: 0) : .export(.acr, scroll: 0)
        case .refresh: return refresh()
        case .clearField where context == .search:
            searchInput = TextInput()
            applySearch("")
        case .nextField, .previousField, .closeComposer, .cancelComposer, .toggleField, .clearField,
            .cursorLeft, .cursorRight, .cursorHome, .cursorEnd, .deleteForward:
            editComposer(action, in: context)
        case .deleteBackward: deleteBackward(in: context)
        case .previousRule, .nextRule, .addRule, .removeRule, .moveRuleUp, .moveRuleDown: editRules(action)
        case .writePolicy: return requestPolicyWrite()
        case .acceptSearch: searchInput = nil
        case .cancelSearch: cancelSearch()
        case .confirm where context == .writePolicy: return confirmPolicyWrite()
        case .cancel where context == .writePolicy:
            overlay = nil
            flash = Flash("Not written: the rules stay edited here (w writes them).")
        case .confirm: return confirm(in: context)
        case .cancel: cancel(in: context)
        case .switchButton: switchButton()
        case .activateButton: return activateButton()
        case .interrupt: overlay = .interrupt
        case .closeOverlay: overlay = nil
        case .nextFormat, .previousFormat: switchFormat(forward: action == .nextFormat)
        }
        return []
    }

    /// Types a character into whatever edits text in the current context.
    mutating func type(_ character: Character) {
        switch context {
        case .composer:
            guard var composer, composer.field.isText else { return }
            composer.input.insert(character)
            self.composer = composer
            draft.setText(composer.input.text, of: composer.field)
            applyDraft()
        case .search:
            guard var input = searchInput else { return }
            input.insert(character)
            searchInput = input
            applySearch(input.text)
        case .confirm:
            guard case .confirm(var state) = overlay, state.needsTypedCount, character.isNumber else { return }
            state.typed.insert(character)
            state.hint = nil
            overlay = .confirm(state)
        default:
            break
        }
    }

    /// Backspace in the composer, the search line or the typed count.
    mutating func deleteBackward(in context: KeyContext) {
        switch context {
        case .composer:
            editComposer(.deleteBackward, in: context)
        case .search:
            guard var input = searchInput else { return }
            input.deleteBackward()
            searchInput = input
            applySearch(input.text)
        case .confirm:
            guard case .confirm(var state) = overlay else { return }
            state.typed.deleteBackward()
            overlay = .confirm(state)
        default:
            break
        }
    }

    /// Leaves, unless a deletion is running: that has to be stopped (and so journaled) first.
    mutating func quit() -> [BrowserCommand] {
        guard execution == nil else {
            flash = Flash("A deletion is running: stop it first (ctrl-c, then y).", kind: .warning)
            return []
        }
        isQuitting = true
        return [.quit]
    }

    /// Reloads the catalog and every loaded repository; failed loads are tried again.
    mutating func refresh() -> [BrowserCommand] {
        guard execution == nil else { return [] }
        var commands: [BrowserCommand] = [.listRepositories]
        for name in loads.keys where isFailed(name) { loads[name] = nil }
        for name in loaded.keys.sorted() {
            loads[name] = .loading(nil)
            commands.append(.loadRepository(name))
        }
        tagCounts = [:]
        flash = Flash("Reloading from the registry…")
        return commands
    }
}
