import TUICore

extension BrowserModel {
    /// The composer: the filters and protect rules, ago and keep, the three switches, and the errors
    /// right under them. The panes above show the plan as it is typed.
    func renderComposer(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        guard let composer, rect.height >= 4 else { return }
        let inner = buffer.panel(rect, title: "Filter (live preview)", border: theme.focusedBorder, theme: theme)
        let labelWidth = 8
        var y = inner.y
        for field in [ComposerField.filters, .protect] {
            let x = drawLabel(
                field, composer: composer, into: &buffer, x: inner.x, y: y, width: labelWidth, theme: theme)
            drawText(field, composer: composer, into: &buffer, x: x + 1, y: y, width: inner.right - x - 1, theme: theme)
            y += 1
        }
        var x = drawLabel(.ago, composer: composer, into: &buffer, x: inner.x, y: y, width: labelWidth, theme: theme)
        // ago, keep and the switches share a row: 75 columns, so that it fits 80-column terminals.
        drawText(.ago, composer: composer, into: &buffer, x: x + 1, y: y, width: 7, theme: theme)
        x += 9
        x = drawLabel(.keep, composer: composer, into: &buffer, x: x, y: y, width: 4, theme: theme)
        drawText(.keep, composer: composer, into: &buffer, x: x + 1, y: y, width: 3, theme: theme)
        x += 5
        for field in [ComposerField.untagged, .untaggedOnly, .includeLocked] {
            let text = "\(theme.checkbox(draft.isOn(field))) \(field.label)"
            var style = composer.field == field ? theme.focusedButton : Style.plain
            if draftErrors.contains(where: { $0.field == field }) { style = style.patched(with: theme.error) }
            x = buffer.write(text, x: x, y: y, limit: inner.right, style: style, ellipsis: theme.ellipsis) + 1
        }
        y += 1
        renderComposerMessage(
            composer, into: &buffer, Rect(x: inner.x, y: y, width: inner.width, height: inner.bottom - y),
            theme: theme)
    }

    /// The error of the focused field (else the first one) in words; without errors, how to go on.
    private func renderComposerMessage(_ composer: ComposerState, into buffer: inout Buffer, _ rect: Rect, theme: Theme)
    {
        guard rect.height > 0 else { return }
        if let error = draftErrors.first(where: { $0.field == composer.field }) ?? draftErrors.first {
            let glyph = VerdictClass.delete.glyph(unicode: theme.unicode)
            var text = "\(glyph) \(error.field.label): \(error.message)"
            if policy != nil { text += " (the plan shown is the last valid one)" }
            for (offset, line) in TextWrap.lines(text, width: rect.width).prefix(rect.height).enumerated() {
                buffer.write(
                    line, x: rect.x, y: rect.y + offset, limit: rect.right, style: theme.error, ellipsis: theme.ellipsis
                )
            }
            return
        }
        let hint =
            composer.field.isToggle
            ? "space switches \(composer.field.label)\(theme.separator)tab: next field\(theme.separator)enter: keep\(theme.separator)esc: undo"
            : "spaces separate patterns\(theme.separator)tab: next field\(theme.separator)enter: keep\(theme.separator)esc: undo"
        buffer.write(hint, x: rect.x, y: rect.y, limit: rect.right, style: theme.dim, ellipsis: theme.ellipsis)
        if rect.height > 1 {
            let totals = planTotals
            var summary =
                "\(theme.arrow) \(BrowserFormat.count(totals.tagCount, "tag")) and "
                + "\(BrowserFormat.count(totals.manifestCount, "manifest")) would be deleted"
            // The live preview lags the keystroke while the plan is made: say so where the eye is.
            if isPlanning { summary += " (planning\(theme.ellipsis))" }
            buffer.write(
                summary, x: rect.x, y: rect.y + 1, limit: rect.right, style: theme.bold, ellipsis: theme.ellipsis)
        }
    }

    /// A field's label: reversed when focused, red when the field has an error. Returns the column after it.
    private func drawLabel(
        _ field: ComposerField, composer: ComposerState, into buffer: inout Buffer, x: Int, y: Int, width: Int,
        theme: Theme
    ) -> Int {
        var style = composer.field == field ? theme.focusedButton : theme.bold
        if draftErrors.contains(where: { $0.field == field }) { style = style.patched(with: theme.error) }
        return buffer.write(field.label, x: x, y: y, width: width, style: style, ellipsis: theme.ellipsis)
    }

    /// A text field: the live input when focused (with the cursor), else the draft's text.
    private func drawText(
        _ field: ComposerField, composer: ComposerState, into buffer: inout Buffer, x: Int, y: Int, width: Int,
        theme: Theme
    ) {
        let focused = composer.field == field
        let input = focused ? composer.input : TextInput(draft.text(of: field))
        let errorColumn = draftErrors.first { $0.field == field }?.column
        buffer.fill(Rect(x: x, y: y, width: width, height: 1), style: Style(attributes: .underline))
        renderInput(
            input, into: &buffer, x: x, y: y, width: width, theme: theme, style: Style(attributes: .underline),
            errorColumn: errorColumn, showCursor: focused)
    }
}
