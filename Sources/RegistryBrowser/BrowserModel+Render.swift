import Foundation
import TUICore

extension BrowserModel {
    /// Draws the whole frame from the state; the buffer decides the size.
    public func render(into buffer: inout Buffer) {
        buffer.fill(buffer.area)
        let theme = Theme(unicode: configuration.supportsUnicode)
        guard buffer.width >= Self.minimumSize.width, buffer.height >= Self.minimumSize.height else {
            renderTooSmall(into: &buffer, theme: theme)
            return
        }
        let layout = BrowserLayout(size: buffer.size, composerHeight: composerHeight)
        renderHeader(into: &buffer, layout.header, theme: theme)
        renderRepositories(into: &buffer, layout.repositories, theme: theme)
        switch listView {
        case .tags: renderTags(into: &buffer, layout.list, theme: theme)
        case .manifests: renderManifests(into: &buffer, layout.list, theme: theme)
        }
        renderDetails(into: &buffer, layout.details, theme: theme)
        if composer != nil { renderComposer(into: &buffer, layout.composer, theme: theme) }
        renderReason(into: &buffer, layout.reason, theme: theme)
        renderStatus(into: &buffer, layout.status, theme: theme)
        renderFooter(into: &buffer, layout.footer, theme: theme)
        if let overlay { renderOverlay(overlay, into: &buffer, theme: theme) }
    }

    /// A new frame of the model's size.
    public func frame() -> Buffer {
        var buffer = Buffer(size: size)
        render(into: &buffer)
        return buffer
    }

    /// A counter that advances ten times a second, for the spinner.
    var tick: Int {
        Int((now.timeIntervalSince1970 * 10).truncatingRemainder(dividingBy: 1_000_000))
    }

    func renderOverlay(_ overlay: Overlay, into buffer: inout Buffer, theme: Theme) {
        switch overlay {
        case .help(let scroll): renderHelp(into: &buffer, scroll: scroll, theme: theme)
        case .confirm(let state): renderConfirm(state, into: &buffer, theme: theme)
        case .progress: renderProgress(into: &buffer, theme: theme)
        case .interrupt:
            renderProgress(into: &buffer, theme: theme)
            renderInterrupt(into: &buffer, theme: theme)
        case .result(let result, let scroll): renderResult(result, scroll: scroll, into: &buffer, theme: theme)
        case .export(let format, let scroll): renderExport(format, scroll: scroll, into: &buffer, theme: theme)
        case .schedule(let format, let scroll): renderSchedule(format, scroll: scroll, into: &buffer, theme: theme)
        case .writePolicy(let state): renderPolicyWrite(state, into: &buffer, theme: theme)
        }
    }

    /// Below the minimum size: say so, centred, instead of a garbled layout.
    func renderTooSmall(into buffer: inout Buffer, theme: Theme) {
        let times = theme.unicode ? "×" : "x"
        let minimum = Self.minimumSize
        let lines = [
            "Terminal too small: \(buffer.width)\(times)\(buffer.height)",
            "regsweep needs at least \(minimum.width)\(times)\(minimum.height).",
            "Enlarge the window, or press q to quit.",
        ]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let x = max(0, (buffer.width - DisplayWidth.of(line)) / 2)
            buffer.write(
                line, x: x, y: top + offset, limit: buffer.width, style: offset == 0 ? theme.warning : .plain,
                ellipsis: theme.ellipsis)
        }
    }
}
