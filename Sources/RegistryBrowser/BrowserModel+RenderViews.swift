import Foundation
import Purge
import TUICore

extension BrowserModel {
    /// The help overlay, generated from the key table, with the verdict legend.
    func renderHelp(into buffer: inout Buffer, scroll: Int, theme: Theme) {
        let rect = viewArea(of: buffer).centered(width: 96, height: buffer.height)
        let inner = buffer.panel(
            rect, title: theme.unicode ? "Help (esc closes, ↑↓ scroll)" : "Help (esc closes, up/down scroll)",
            border: theme.plainBorder, theme: theme)
        var lines: [[(String, Style)]] = []
        lines.append([("Verdicts (glyph, colour and attribute each):", theme.bold)])
        for verdict in VerdictClass.allCases {
            lines.append([("  \(verdict.glyph(unicode: theme.unicode)) \(verdict.name)", theme.style(verdict))])
        }
        let keyWidth = 16
        for context in KeyContext.allCases {
            let bindings = KeyTable.bindings(in: context)
            guard !bindings.isEmpty else { continue }
            lines.append([])
            lines.append([(context.title, theme.bold)])
            for binding in bindings {
                let keys = DisplayWidth.pad(
                    binding.keyLabel(unicode: theme.unicode), toWidth: keyWidth, ellipsis: theme.ellipsis)
                lines.append([("  " + keys, theme.key), (" " + binding.help, .plain)])
            }
        }
        drawScrolled(lines, scroll: scroll, into: &buffer, inner, theme: theme)
    }

    /// What the deletion did: counts, the journal, then failures, skips and deletions line by line.
    func renderResult(_ result: ExecutionResult, scroll: Int, into buffer: inout Buffer, theme: Theme) {
        let rect = viewArea(of: buffer)
        // Never a title that claims success which did not happen.
        let title =
            result.interrupted
            ? "Deletion interrupted" : (result.succeeded ? "Deletion finished" : "Deletion finished with failures")
        let inner = buffer.panel(
            rect, title: title + " (esc closes)", border: result.succeeded ? theme.plainBorder : theme.dialogBorder,
            theme: theme)
        var lines: [[(String, Style)]] = []
        let notDone = result.notDone
        let summary =
            "Deleted \(BrowserFormat.count(result.deletedTags.count, "tag")) and "
            + "\(BrowserFormat.count(result.deletedManifests.count, "manifest"))\(theme.separator)"
            + "\(result.skips.count) skipped\(theme.separator)\(result.failures.count) failed"
            + (notDone.isEmpty ? "" : "\(theme.separator)\(notDone.count) not done")
        lines.append([(summary, theme.bold)])
        if result.interrupted {
            lines.append([("Interrupted: the rest of the plan was not carried out.", theme.warning)])
        }
        if !result.deletedManifests.isEmpty || !result.deletedTags.isEmpty {
            let note = SpaceReclaim.of(registry: configuration.registry).note
            for line in TextWrap.lines(note, width: max(20, inner.width - 2)) { lines.append([(line, theme.dim)]) }
        }
        if let journal = result.journalPath {
            lines.append([("Journal: ", theme.bold), (journal, .plain)])
            lines.append([
                ("Undo:    ", theme.bold), ("regsweep restore \(journal) -r \(configuration.registry)", .plain),
            ])
        }
        let reloading = loads.values.contains { if case .loading = $0 { return true } else { return false } }
        lines.append([
            (reloading ? "Reloading the inventory\(theme.ellipsis)" : "The inventory was reloaded.", theme.dim)
        ])
        for (heading, items, style) in [
            ("Failed", result.failures, theme.error), ("Not done", notDone, theme.warning),
            ("Skipped", result.skips, theme.warning),
            ("Deleted", result.items.filter { $0.outcome == .deleted }, Style.plain),
        ] where !items.isEmpty {
            lines.append([])
            lines.append([("\(heading) (\(items.count))", theme.bold)])
            for item in items { lines.append([("  " + ResultReport.line(item, registry: result.registry), style)]) }
        }
        drawScrolled(lines, scroll: scroll, into: &buffer, inner, theme: theme)
    }

    /// The policy as commands to copy, one format at a time.
    func renderExport(_ format: ExportFormat, scroll: Int, into buffer: inout Buffer, theme: Theme) {
        let rect = viewArea(of: buffer)
        let inner = buffer.panel(
            rect, title: "Export the policy (tab: next format, esc closes)", border: theme.plainBorder, theme: theme)
        drawFormatTabs(
            ExportFormat.allCases.map(\.title), selected: ExportFormat.allCases.firstIndex(of: format), into: &buffer,
            x: inner.x + 1, y: inner.y, theme: theme)
        var lines: [[(String, Style)]] = []
        switch PolicyExport.from(draft.flags) {
        case .success(let export):
            for line in export.text(format, registry: configuration.registry).split(
                separator: "\n", omittingEmptySubsequences: false)
            {
                // Long command lines wrap at spaces; --export prints them on one line for scripts.
                for part in TextWrap.lines(String(line), width: inner.width - 2) {
                    lines.append([(part, line.hasPrefix("#") ? theme.dim : .plain)])
                }
            }
            lines.append([])
            lines.append([("On one line, without the browser:", theme.dim)])
            lines.append([
                (
                    "  regsweep browse -r \(configuration.registry) --export \(format.rawValue) <the same flags>",
                    theme.dim
                )
            ])
        case .failure(let problems):
            lines.append([("The composer does not hold a valid policy yet (f to edit):", theme.warning)])
            for error in problems.errors { lines.append([("  \(error.field.label): \(error.message)", theme.error)]) }
        }
        drawScrolled(
            lines, scroll: scroll, into: &buffer,
            Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 2), theme: theme)
    }

    /// The export views' row of formats, the selected one reversed.
    func drawFormatTabs(
        _ titles: [String], selected: Int?, into buffer: inout Buffer, x start: Int, y: Int, theme: Theme
    ) {
        var x = start
        for (index, title) in titles.enumerated() {
            x =
                buffer.set(string: " \(title) ", x: x, y: y, style: index == selected ? theme.focusedButton : theme.dim)
                + 1
        }
    }

    /// Where the full-screen views go: over the panes and the reason row, below the header, above
    /// the totals and the key hints, which stay in view.
    func viewArea(of buffer: Buffer) -> Rect {
        Rect(x: 0, y: 2, width: buffer.width, height: max(0, buffer.height - 4))
    }

    /// Draws styled lines from `scroll` on, with a marker when more lines follow.
    func drawScrolled(_ lines: [[(String, Style)]], scroll: Int, into buffer: inout Buffer, _ rect: Rect, theme: Theme)
    {
        guard rect.height > 0 else { return }
        let top = max(0, min(scroll, lines.count - rect.height))
        for (offset, spans) in lines.dropFirst(top).prefix(rect.height).enumerated() {
            var x = rect.x + 1
            for (text, style) in spans {
                x = buffer.write(
                    text, x: x, y: rect.y + offset, limit: rect.right - 1, style: style, ellipsis: theme.ellipsis)
            }
        }
        if top + rect.height < lines.count {
            let more = theme.unicode ? "↓ more" : "v more"
            buffer.write(
                more, x: rect.right - 8, y: rect.bottom - 1, width: 7, style: theme.dim, alignment: .right,
                ellipsis: theme.ellipsis)
        }
    }
}
