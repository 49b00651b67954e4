import Foundation
import Purge
import TUICore

extension BrowserModel {
    /// The delete confirmation: counts per repository and the first items, with the focus on Cancel.
    func renderConfirm(_ state: ConfirmState, into buffer: inout Buffer, theme: Theme) {
        let plan = state.request.plan
        let area = viewArea(of: buffer).inner(horizontal: 2, vertical: 0)
        // Summary, blank, items, blank, two notes; then a hint row and the buttons; then the border.
        let itemCount = plan.affectedRepositories.reduce(0) {
            $0 + 1 + $1.tagsToDelete.count + $1.manifestsToDelete.count
        }
        // The summary and the note are wrapped to the dialog, not cut: both say things that matter.
        let width = 72
        let total =
            BrowserFormat.count(plan.tagCount, "tag") + " and " + BrowserFormat.count(plan.manifestCount, "manifest")
        let repositories = BrowserFormat.count(plan.affectedRepositories.count, "repository", "repositories")
        let summary = TextWrap.lines(
            "\(total) will be deleted in \(repositories) (~\(PlanReport.bytes(plan.bytesFreed)) freed"
                + "\(SpaceReclaim.of(registry: configuration.registry).freedSuffix)).", width: width - 4)
        let note = TextWrap.lines(
            "Each deletion is journaled first; regsweep restore puts it back before garbage collection.",
            width: width - 4)
        let rect = area.centered(
            width: width, height: min(area.height, itemCount + 7 + summary.count + note.count))
        let inner = buffer.panel(
            rect, title: "Delete from \(configuration.registry)?", border: theme.dialogBorder, theme: theme)
        var lines: [(String, Style)] = summary.map { ($0, theme.bold) }
        // The list: every repository's counts, then its first items, within the room there is.
        let room = max(2, inner.height - 5 - summary.count - note.count)
        var items: [(String, Style)] = []
        for repository in plan.affectedRepositories {
            items.append(
                (
                    "\(repository.name): \(BrowserFormat.count(repository.tagsToDelete.count, "tag")), "
                        + "\(BrowserFormat.count(repository.manifestsToDelete.count, "manifest"))", theme.bold
                ))
            for tag in repository.tagsToDelete {
                items.append(("  \(repository.name):\(tag.tag)", theme.style(.delete)))
            }
            for manifest in repository.manifestsToDelete {
                let tags = manifest.tags.isEmpty ? "" : " (\(manifest.tags.joined(separator: ", ")))"
                items.append(("  \(repository.name)@\(manifest.digest.short)\(tags)", theme.style(.delete)))
            }
        }
        if items.count > room {
            let hidden = items.count - (room - 1)
            items = Array(items.prefix(room - 1)) + [("  \(theme.ellipsis) and \(hidden) more lines", theme.dim)]
        }
        lines.append(("", .plain))
        lines += items
        lines.append(("", .plain))
        lines += note.map { ($0, theme.dim) }
        if state.needsTypedCount {
            lines.append(
                (
                    "More than \(ConfirmState.typedCountThreshold) items: type \(state.request.itemCount) and press enter.",
                    theme.warning
                ))
        } else {
            lines.append(("Press y to delete, n or esc to cancel.", theme.warning))
        }
        for (offset, line) in lines.prefix(max(0, inner.height - 2)).enumerated() {
            buffer.write(
                line.0, x: inner.x + 1, y: inner.y + offset, limit: inner.right - 1, style: line.1,
                ellipsis: theme.ellipsis)
        }
        let buttonRow = inner.bottom - 1
        if let hint = state.hint {
            buffer.write(
                hint, x: inner.x + 1, y: buttonRow - 1, limit: inner.right - 1, style: theme.error,
                ellipsis: theme.ellipsis)
        }
        var x = inner.x + 1
        if state.needsTypedCount {
            x = buffer.set(string: "Count: ", x: x, y: buttonRow, style: theme.bold)
            x = renderInput(
                state.typed, into: &buffer, x: x, y: buttonRow, width: 8, theme: theme,
                style: Style(attributes: .underline))
        }
        let cancel = "[ Cancel ]"
        let delete = "[ Delete ]"
        x = max(x + 2, inner.x + (inner.width - DisplayWidth.of(cancel + "   " + delete)) / 2)
        x = buffer.set(string: cancel, x: x, y: buttonRow, style: state.focus == .cancel ? theme.focusedButton : .plain)
        x += 3
        buffer.set(
            string: delete, x: x, y: buttonRow,
            style: state.focus == .delete
                ? theme.focusedButton.patched(with: theme.style(.delete)) : theme.style(.delete))
    }

    /// The running deletion: a bar with done/total, the counts, failures and the rate.
    func renderProgress(into buffer: inout Buffer, theme: Theme) {
        guard let progress = execution else { return }
        let rect = buffer.area.centered(width: min(72, buffer.width - 4), height: 10)
        let title =
            progress.stopRequested ? "Stopping after the current item" : "Deleting from \(configuration.registry)"
        let inner = buffer.panel(rect, title: title, border: theme.dialogBorder, theme: theme)
        let counter = "\(progress.done)/\(progress.total)"
        let percent = progress.total > 0 ? progress.done * 100 / progress.total : 100
        let label = " \(counter) \(percent)%"
        let barWidth = max(4, inner.width - 2 - DisplayWidth.of(label))
        let filled = progress.total > 0 ? min(barWidth, barWidth * progress.done / progress.total) : barWidth
        var x = inner.x + 1
        x = buffer.set(
            string: String(repeating: theme.unicode ? "█" : "#", count: filled), x: x, y: inner.y,
            style: theme.progressDone)
        x = buffer.set(
            string: String(repeating: theme.unicode ? "░" : "-", count: barWidth - filled), x: x, y: inner.y,
            style: theme.progressLeft)
        buffer.set(string: label, x: x, y: inner.y, style: theme.bold)
        let rate = String(format: "%.1f/s", progress.rate(now: now))
        let counts =
            "deleted \(progress.deleted)\(theme.separator)skipped \(progress.skipped)\(theme.separator)"
            + "failed \(progress.failed)\(theme.separator)\(rate)"
        buffer.write(
            counts, x: inner.x + 1, y: inner.y + 2, limit: inner.right - 1,
            style: progress.failed > 0 ? theme.error : .plain,
            ellipsis: theme.ellipsis)
        if let repository = progress.repository {
            buffer.write(
                "in \(repository)", x: inner.x + 1, y: inner.y + 3, limit: inner.right - 1, ellipsis: theme.ellipsis)
        }
        if let line = progress.lastLine {
            buffer.write(
                line, x: inner.x + 1, y: inner.y + 4, limit: inner.right - 1, style: theme.dim, ellipsis: theme.ellipsis
            )
        }
        if let stop = progress.stops.last {
            buffer.write(
                stop, x: inner.x + 1, y: inner.y + 5, limit: inner.right - 1, style: theme.warning,
                ellipsis: theme.ellipsis)
        }
        buffer.write(
            "ctrl-c, esc or x stops after the current item (asks first)", x: inner.x + 1, y: inner.bottom - 1,
            limit: inner.right - 1, style: theme.dim, ellipsis: theme.ellipsis)
    }

    /// The second confirmation before a running deletion stops; the focus is on going on.
    func renderInterrupt(into buffer: inout Buffer, theme: Theme) {
        let rect = buffer.area.centered(width: min(60, buffer.width - 8), height: 7)
        let inner = buffer.panel(rect, title: "Stop the deletion?", border: theme.dialogBorder, theme: theme)
        let lines = [
            "What is deleted stays deleted (the journal has it);",
            "the rest of the plan is not carried out.",
        ]
        for (offset, line) in lines.enumerated() {
            buffer.write(line, x: inner.x + 1, y: inner.y + offset, limit: inner.right - 1, ellipsis: theme.ellipsis)
        }
        let keep = "[ n: keep deleting ]"
        let stop = "[ y: stop ]"
        var x = inner.x + max(1, (inner.width - DisplayWidth.of(keep + "   " + stop)) / 2)
        x = buffer.set(string: keep, x: x, y: inner.bottom - 1, style: theme.focusedButton)
        buffer.set(string: stop, x: x + 3, y: inner.bottom - 1, style: theme.style(.delete))
    }
}
