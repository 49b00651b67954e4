import Purge

extension BrowserModel {
    /// `D`: opens the confirmation, unless something makes deleting now wrong, which it then says.
    mutating func requestDelete() {
        if configuration.readOnly {
            flash = Flash(
                "Read-only: deleting is blocked (regsweep browse was started with --read-only).", kind: .warning)
            return
        }
        if retention != nil && !draftErrors.isEmpty {
            flash = Flash(
                "The filter has errors and the plan shown is the last valid one: fix it first (f).", kind: .warning)
            return
        }
        let busy = (repositoryNames ?? []).filter { isSelectedByPolicy($0) && (loaded[$0] == nil || isLoading($0)) }
            .filter { !isFailed($0) }
        if !busy.isEmpty {
            flash = Flash(
                "Wait: \(BrowserFormat.count(busy.count, "repository", "repositories")) the filter selects "
                    + "\(busy.count == 1 ? "is" : "are") still loading.", kind: .warning)
            return
        }
        // The plan on screen may not be the policy's yet: never confirm one that is about to change.
        // The confirmation waits for the plan instead (any key gives up waiting).
        if isPlanning {
            deleteWhenPlanned = true
            flash = Flash(
                "Still planning\(Theme(unicode: configuration.supportsUnicode).ellipsis) the confirmation opens "
                    + "when the plan is ready.")
            return
        }
        if planTotals.isEmpty {
            flash = Flash("Nothing to delete: the plan is empty (f edits the filter, space marks a tag).")
            return
        }
        // The inventory the plan was made from, not what is loaded now: the executor checks against it.
        overlay = .confirm(
            ConfirmState(request: ExecutionRequest(plan: plan, inventory: planning.current.inventory)))
    }

    /// `y`: deletes (small plans) or stops a running deletion (the second confirmation).
    mutating func confirm(in context: KeyContext) -> [BrowserCommand] {
        switch overlay {
        case .confirm(var state):
            guard !state.needsTypedCount else {
                state.hint =
                    "More than \(ConfirmState.typedCountThreshold) items: type \(state.request.itemCount) and press enter."
                overlay = .confirm(state)
                return []
            }
            return startExecution(state.request)
        case .interrupt:
            execution?.stopRequested = true
            overlay = .progress
            return [.stopExecution]
        default:
            return []
        }
    }

    /// `n` or esc: nothing is deleted, or the deletion goes on.
    mutating func cancel(in context: KeyContext) {
        switch overlay {
        case .confirm:
            overlay = nil
            flash = Flash("Cancelled: nothing was deleted.")
        case .interrupt:
            overlay = .progress
        default:
            break
        }
    }

    /// Tab or arrows in the confirmation: Cancel ↔ Delete.
    mutating func switchButton() {
        guard case .confirm(var state) = overlay else { return }
        state.focus = state.focus == .cancel ? .delete : .cancel
        overlay = .confirm(state)
    }

    /// Enter in the confirmation: the typed count confirms a large deletion; else the focused button.
    mutating func activateButton() -> [BrowserCommand] {
        guard case .confirm(var state) = overlay else { return [] }
        let count = String(state.request.itemCount)
        if state.needsTypedCount && !state.typed.text.isEmpty {
            if state.typed.text == count { return startExecution(state.request) }
            state.hint = "\(state.typed.text) is not the number of items: type \(count), or press esc."
            overlay = .confirm(state)
            return []
        }
        switch state.focus {
        case .cancel:
            cancel(in: .confirm)
            return []
        case .delete:
            if state.needsTypedCount {
                state.hint = "Type \(count) and press enter to delete \(count) items."
                overlay = .confirm(state)
                return []
            }
            return startExecution(state.request)
        }
    }

    mutating func startExecution(_ request: ExecutionRequest) -> [BrowserCommand] {
        // The dialog cannot change the policy, but a deletion must never outlive the policy it was
        // planned for: if that ever happens, ask again rather than delete by the old one.
        guard request.plan.retention == retention ?? Self.emptyRetention else {
            overlay = nil
            flash = Flash("The filter changed since the plan was confirmed: nothing was deleted.", kind: .warning)
            return []
        }
        execution = ExecutionProgress(total: request.itemCount, started: now)
        overlay = .progress
        return [.execute(request)]
    }

    /// Progress from the executor.
    mutating func record(_ event: ExecutionEvent) {
        guard var progress = execution else { return }
        switch event {
        case .started(let total):
            progress.total = total
        case .checking(let repository):
            progress.repository = repository
        case .item(let item):
            switch item.outcome {
            case .deleted, .restored: progress.deleted += 1
            case .skipped: progress.skipped += 1
            case .failed, .notDone: progress.failed += 1
            }
            progress.repository = item.repository
            progress.lastLine = ResultReport.line(item, registry: configuration.registry)
        case .repositoryStopped(let repository, let reason):
            progress.stops.append("\(repository): \(reason)")
        }
        execution = progress
    }

    /// The executor is done: show the result and reload what it changed.
    mutating func finish(_ result: ExecutionResult) -> [BrowserCommand] {
        execution = nil
        overlay = .result(result, scroll: 0)
        var commands: [BrowserCommand] = [.listRepositories]
        // The deletion taught the client how this registry deletes: show it in the header.
        if let first = repositoryNames?.first { commands.append(.probeCapabilities(repository: first)) }
        for name in loaded.keys.sorted() {
            loads[name] = .loading(nil)
            commands.append(.loadRepository(name))
        }
        return commands
    }
}
