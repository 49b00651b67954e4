import Foundation
import Purge
import TUICore

extension BrowserModel {
    /// The selected row's reason in words, or the answer to the last key, or the filter's trouble.
    func renderReason(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        let ellipsis = theme.ellipsis
        if let flash {
            let style = flash.kind == .warning ? theme.warning : theme.info
            buffer.write(" " + flash.text, x: rect.x, y: rect.y, limit: rect.right, style: style, ellipsis: ellipsis)
            return
        }
        if composer == nil, let error = draftErrors.first, retention != nil || !draft.isEmpty {
            let text =
                " Filter error (\(error.field.label)): \(error.message). The plan is the last valid one; f to fix."
            buffer.write(text, x: rect.x, y: rect.y, limit: rect.right, style: theme.error, ellipsis: ellipsis)
            return
        }
        guard let repository = selectedRepository else { return }
        switch listView {
        case .tags:
            guard let verdict = selectedTagVerdict else { return }
            let verdictClass = VerdictClass(verdict.reason)
            let x = buffer.set(
                string: " \(verdictClass.glyph(unicode: theme.unicode)) \(repository):\(verdict.tag) ", x: rect.x,
                y: rect.y,
                style: theme.style(verdictClass).adding(.bold))
            buffer.write(
                verdict.explanation(namesRules: plan.retention.namesRules), x: x, y: rect.y, limit: rect.right,
                ellipsis: ellipsis)
        case .manifests:
            guard let verdict = selectedManifestVerdict else { return }
            let verdictClass = VerdictClass(verdict.reason)
            let x = buffer.set(
                string: " \(verdictClass.glyph(unicode: theme.unicode)) \(repository)@\(verdict.digest.short) ",
                x: rect.x,
                y: rect.y, style: theme.style(verdictClass).adding(.bold))
            buffer.write(verdict.explanation, x: x, y: rect.y, limit: rect.right, ellipsis: ellipsis)
        }
    }

    /// The plan's totals, always; and what is still loading.
    func renderStatus(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        let ellipsis = theme.ellipsis
        let totals = planTotals
        let repositories = totals.affectedRepositoryCount
        var x = buffer.set(string: " Plan: ", x: rect.x, y: rect.y, style: theme.bold)
        let deleting = totals.isEmpty ? Style.plain : theme.style(.delete)
        x = buffer.set(string: BrowserFormat.count(totals.tagCount, "tag"), x: x, y: rect.y, style: deleting)
        x = buffer.set(string: " and ", x: x, y: rect.y)
        x = buffer.set(string: BrowserFormat.count(totals.manifestCount, "manifest"), x: x, y: rect.y, style: deleting)
        let activity = activityText(theme: theme)
        let activityWidth = activity.isEmpty ? 0 : min(DisplayWidth.of(activity) + 1, rect.width / 2)
        let reclaim = SpaceReclaim.of(registry: configuration.registry).freedSuffix
        func rest(_ suffix: String) -> String {
            var text = " to delete in \(BrowserFormat.count(repositories, "repository", "repositories"))"
            text += theme.separator + "~\(PlanReport.bytes(plan.bytesFreed)) freed" + suffix
            if !marks.isEmpty { text += theme.separator + "\(marks.count) marked by hand" }
            return text
        }
        // "after garbage collection" where it fits, "after GC" on narrow screens.
        var text = rest(reclaim)
        if x + DisplayWidth.of(text) > rect.right - activityWidth {
            text = rest(reclaim.replacingOccurrences(of: "garbage collection", with: "GC"))
        }
        if x + DisplayWidth.of(text) > rect.right - activityWidth {
            text = rest(reclaim.replacingOccurrences(of: "garbage collection", with: "GC"))
                .replacingOccurrences(of: " freed after GC", with: " after GC")
        }
        let rest = text
        x = buffer.write(rest, x: x, y: rect.y, limit: rect.right - activityWidth, ellipsis: ellipsis)
        if !activity.isEmpty {
            buffer.write(
                activity, x: rect.right - activityWidth, y: rect.y, width: activityWidth, style: theme.info,
                alignment: .right, ellipsis: ellipsis)
        }
    }

    /// The activity indicator: planning (the totals are not the policy's yet), then loading.
    func activityText(theme: Theme) -> String {
        let loading = loadingText(theme: theme)
        guard isPlanning else { return loading }
        let spinner = theme.spinner(tick) + " "
        let planning = spinner + "planning\(theme.ellipsis)"
        if loading.isEmpty { return planning + " " }
        // One spinner for both, in front.
        let rest = loading.hasPrefix(spinner) ? String(loading.dropFirst(spinner.count)) : loading
        return planning + theme.separator + rest
    }

    /// The loading indicator: a spinner, how many repositories are loading, and the busiest one's phase.
    func loadingText(theme: Theme) -> String {
        if repositoryNames == nil {
            if let listingError { return "catalog failed: \(listingError)" }
            return "\(theme.spinner(tick)) listing repositories"
        }
        let loading = loads.compactMap { name, state -> (String, InventoryProgress?)? in
            if case .loading(let progress) = state { return (name, progress) }
            return nil
        }.sorted { $0.0 < $1.0 }
        guard let first = loading.first else {
            // The registry went away (or refused): say so where the eye goes, keep what is loaded.
            // The way out first: the error text may be cut to fit.
            if let listingError { return "catalog failed (r retries): \(listingError) " }
            let failed = loads.compactMap { name, state -> (String, String)? in
                if case .failed(let error) = state { return (name, error) }
                return nil
            }.sorted { $0.0 < $1.0 }
            if let (name, error) = failed.first { return "\(name) failed (r retries): \(error) " }
            return ""
        }
        var text = "\(theme.spinner(tick)) loading \(BrowserFormat.count(loading.count, "repository", "repositories"))"
        let waiting = pendingRepositories.filter { loads[$0] == nil }.count
        if waiting > 0 { text += " (\(waiting) waiting)" }
        if let progress = first.1 {
            text += ": \(progress.repository) \(progress.phase) \(progress.done)/\(progress.total)"
        } else {
            text += ": \(first.0)"
        }
        return text + " "
    }

    /// The key hints of the current context, as many as fit; the search line while searching.
    func renderFooter(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        var x = rect.x + 1
        if let searchInput {
            x = buffer.set(string: "/", x: x, y: rect.y, style: theme.key)
            x = renderInput(searchInput, into: &buffer, x: x, y: rect.y, width: min(40, rect.width / 2), theme: theme)
            x += 2
        }
        for (key, hint) in KeyTable.hints(in: context, unicode: theme.unicode) {
            let width = DisplayWidth.of(key) + 1 + DisplayWidth.of(hint)
            guard x + width <= rect.right else { break }
            x = buffer.set(string: key, x: x, y: rect.y, style: theme.key)
            x = buffer.set(string: " " + hint, x: x, y: rect.y, style: theme.dim)
            x += 2
        }
    }

    /// Draws a text input with its cursor as a reversed cell, scrolled so the cursor shows.
    @discardableResult
    func renderInput(
        _ input: TextInput, into buffer: inout Buffer, x: Int, y: Int, width: Int, theme: Theme, style: Style = .plain,
        errorColumn: Int? = nil, showCursor: Bool = true
    ) -> Int {
        guard width > 1 else { return x }
        let characters = Array(input.text)
        // Keep the cursor in view: scroll by whole characters (fields hold ASCII patterns in practice).
        let start = max(0, input.cursor - (width - 1))
        var column = x
        for index in start..<max(start, characters.count) {
            let character = characters[index]
            let characterWidth = DisplayWidth.of(character)
            guard column + characterWidth <= x + width else { break }
            var cellStyle = style
            if let errorColumn, errorColumn == index + 1 {
                cellStyle = cellStyle.patched(with: theme.error.adding(.underline))
            }
            if showCursor && index == input.cursor { cellStyle = cellStyle.patched(with: theme.cursor) }
            column = buffer.set(string: String(character), x: column, y: y, style: cellStyle)
        }
        if showCursor && input.cursor >= characters.count && column < x + width {
            buffer.set(string: " ", x: column, y: y, style: theme.cursor)
            column += 1
        }
        return column
    }
}
