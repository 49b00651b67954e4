import TUICore

extension BrowserModel {
    /// The write-back diff: what `w` would change in the policy file, before it is written.
    func renderPolicyWrite(_ state: PolicyWriteState, into buffer: inout Buffer, theme: Theme) {
        let rect = viewArea(of: buffer)
        let inner = buffer.panel(
            rect, title: "Write \(state.write.path)? (y writes, n or esc does not)", border: theme.dialogBorder,
            theme: theme)
        var lines: [[(String, Style)]] = []
        let removed = state.diff.filter { $0.kind == .removed }.count
        let added = state.diff.filter { $0.kind == .added }.count
        let counts = "\(BrowserFormat.count(added, "line")) added, \(removed) removed"
        lines.append([(counts + "; unchanged lines and comments stay as they are.", theme.bold)])
        lines.append([])
        for line in state.diff {
            let style: Style
            switch line.kind {
            case .removed: style = theme.diffRemoved
            case .added: style = theme.diffAdded
            case .same: style = .plain
            case .folded: style = theme.dim
            }
            let text = line.kind == .folded ? "  \(theme.ellipsis) \(line.text)" : line.unified
            lines.append([(text, style)])
        }
        drawScrolled(lines, scroll: state.scroll, into: &buffer, inner, theme: theme)
    }

    /// A policy file's schedules to copy, one scheduler at a time.
    func renderSchedule(_ format: SchedulerFormat, scroll: Int, into buffer: inout Buffer, theme: Theme) {
        let rect = viewArea(of: buffer)
        let inner = buffer.panel(
            rect, title: "Schedule the policy file (tab: next format, esc closes)", border: theme.plainBorder,
            theme: theme)
        drawFormatTabs(
            SchedulerFormat.allCases.map(\.title), selected: SchedulerFormat.allCases.firstIndex(of: format),
            into: &buffer, x: inner.x + 1, y: inner.y, theme: theme)
        drawScrolled(
            scheduleLines(format, width: inner.width - 2, theme: theme), scroll: scroll, into: &buffer,
            Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 2), theme: theme)
    }
}
