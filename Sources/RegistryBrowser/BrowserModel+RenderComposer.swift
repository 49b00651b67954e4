import TUICore

extension BrowserModel {
    /// The composer: the filters and protect rules, ago and keep, the three switches, and the errors
    /// right under them; a policy file's adds its rule list and the selected rule's name and action.
    /// The panes above show the plan as it is typed.
    func renderComposer(into buffer: inout Buffer, _ rect: Rect, theme: Theme) {
        guard let composer, rect.height >= 4 else { return }
        let title = draft.isFile ? "Policy rules (live preview)" : "Filter (live preview)"
        let inner = buffer.panel(rect, title: title, border: theme.focusedBorder, theme: theme)
        let labelWidth = 8
        var y = inner.y
        if draft.isFile {
            renderRuleList(composer, into: &buffer, x: inner.x, y: y, right: inner.right, theme: theme)
            y += 1
            var x = drawLabel(
                .name, composer: composer, into: &buffer, x: inner.x, y: y, width: labelWidth, theme: theme)
            drawText(.name, composer: composer, into: &buffer, x: x + 1, y: y, width: 16, theme: theme)
            x += 18
            x = drawLabel(.action, composer: composer, into: &buffer, x: x, y: y, width: 6, theme: theme)
            let action = " \(draft.rule.action.rawValue) "
            let style = composer.field == .action ? theme.focusedButton : theme.bold
            x = buffer.write(action, x: x + 1, y: y, limit: inner.right, style: style, ellipsis: theme.ellipsis) + 2
            x = drawLabel(.protect, composer: composer, into: &buffer, x: x, y: y, width: 7, theme: theme)
            drawText(
                .protect, composer: composer, into: &buffer, x: x + 1, y: y, width: inner.right - x - 1, theme: theme)
            y += 1
        }
        for field in draft.isFile ? [ComposerField.filters] : [.filters, .protect] {
            let x = drawLabel(
                field, composer: composer, into: &buffer, x: inner.x, y: y, width: labelWidth, theme: theme)
            drawText(field, composer: composer, into: &buffer, x: x + 1, y: y, width: inner.right - x - 1, theme: theme)
            y += 1
        }
        renderSettingsRow(composer, into: &buffer, x: inner.x, y: y, right: inner.right, theme: theme)
        y += 1
        renderComposerMessage(
            composer, into: &buffer, Rect(x: inner.x, y: y, width: inner.width, height: inner.bottom - y),
            theme: theme)
    }

    /// ago, keep and the switches on one row: 75 columns, so that it fits 80-column terminals. A
    /// keep rule has none of them: they are dimmed.
    private func renderSettingsRow(
        _ composer: ComposerState, into buffer: inout Buffer, x left: Int, y: Int, right: Int, theme: Theme
    ) {
        let keeps = draft.isFile && draft.rule.action == .keep
        var x = drawLabel(.ago, composer: composer, into: &buffer, x: left, y: y, width: 8, theme: theme)
        drawText(.ago, composer: composer, into: &buffer, x: x + 1, y: y, width: 7, theme: theme)
        x += 9
        x = drawLabel(.keep, composer: composer, into: &buffer, x: x, y: y, width: 4, theme: theme)
        drawText(.keep, composer: composer, into: &buffer, x: x + 1, y: y, width: 3, theme: theme)
        x += 5
        for field in [ComposerField.untagged, .untaggedOnly, .includeLocked] {
            let text = "\(theme.checkbox(draft.isOn(field))) \(field.label)"
            var style = composer.field == field ? theme.focusedButton : Style.plain
            if !errors(at: field).isEmpty { style = style.patched(with: theme.error) }
            x = buffer.write(text, x: x, y: y, limit: right, style: style, ellipsis: theme.ellipsis) + 1
        }
        if keeps {
            let row = Rect(x: left, y: y, width: right - left, height: 1)
            buffer.fill(row, style: theme.dim)
            buffer.write(
                "a keep rule keeps what its filters select", x: left + 9, y: y, limit: right, style: theme.dim,
                ellipsis: theme.ellipsis)
        }
    }

    /// The rules in order, the selected one highlighted and those with errors in red; scrolled so
    /// that the selected one is in view.
    private func renderRuleList(
        _ composer: ComposerState, into buffer: inout Buffer, x left: Int, y: Int, right: Int, theme: Theme
    ) {
        var x = drawLabel(.rules, composer: composer, into: &buffer, x: left, y: y, width: 8, theme: theme) + 1
        let items = draft.rules.enumerated().map { index, rule in
            " \(index + 1) \(rule.name.isEmpty ? "?" : rule.name) \(rule.action.rawValue) "
        }
        guard !items.isEmpty else {
            buffer.write("no rules: a adds one", x: x, y: y, limit: right, style: theme.error, ellipsis: theme.ellipsis)
            return
        }
        // Start early enough that the selected rule fits, with what precedes it as far as room allows.
        var first = draft.selected
        var width = DisplayWidth.of(items[min(first, items.count - 1)])
        while first > 0, width + DisplayWidth.of(items[first - 1]) + 1 <= right - x - 2 {
            first -= 1
            width += DisplayWidth.of(items[first]) + 1
        }
        if first > 0 { x = buffer.write(theme.ellipsis, x: x, y: y, limit: right, style: theme.dim, ellipsis: "") }
        for index in first..<items.count where x < right {
            let hasErrors = draftErrors.contains { $0.rule == index }
            var style = hasErrors ? theme.error : Style.plain
            if index == draft.selected {
                style = style.patched(
                    with: composer.field == .rules ? theme.focusedButton : theme.bold.adding(.underline))
            }
            x = buffer.write(items[index], x: x, y: y, limit: right, style: style, ellipsis: theme.ellipsis) + 1
        }
    }

    /// The error of the focused field (else the selected rule's, else any), in words; without
    /// errors, how to go on.
    private func renderComposerMessage(_ composer: ComposerState, into buffer: inout Buffer, _ rect: Rect, theme: Theme)
    {
        guard rect.height > 0 else { return }
        let error =
            errors(at: composer.field).first ?? draftErrors.first { $0.rule == nil || $0.rule == draft.selected }
            ?? draftErrors.first
        if let error {
            let glyph = VerdictClass.delete.glyph(unicode: theme.unicode)
            var place = error.field.label
            if let rule = error.rule, draft.isFile, rule != draft.selected, draft.rules.indices.contains(rule) {
                place = "rule \(rule + 1) '\(draft.rules[rule].name)', \(place)"
            }
            var text = "\(glyph) \(place): \(error.message)"
            if retention != nil { text += " (the plan shown is the last valid one)" }
            for (offset, line) in TextWrap.lines(text, width: rect.width).prefix(rect.height).enumerated() {
                buffer.write(
                    line, x: rect.x, y: rect.y + offset, limit: rect.right, style: theme.error, ellipsis: theme.ellipsis
                )
            }
            return
        }
        buffer.write(
            composerHint(composer.field, theme: theme), x: rect.x, y: rect.y, limit: rect.right, style: theme.dim,
            ellipsis: theme.ellipsis)
        if rect.height > 1 {
            let totals = planTotals
            var summary =
                "\(theme.arrow) \(BrowserFormat.count(totals.tagCount, "tag")) and "
                + "\(BrowserFormat.count(totals.manifestCount, "manifest")) would be deleted"
            // The live preview lags the keystroke while the plan is made: say so where the eye is.
            if isPlanning { summary += " (planning\(theme.ellipsis))" }
            if hasUnsavedRules { summary += "\(theme.separator)edited: w on the rules row writes the file" }
            buffer.write(
                summary, x: rect.x, y: rect.y + 1, limit: rect.right, style: theme.bold, ellipsis: theme.ellipsis)
        }
    }

    private func composerHint(_ field: ComposerField, theme: Theme) -> String {
        let separator = theme.separator
        switch field {
        case .rules:
            return "j/k select\(separator)a add\(separator)d remove\(separator)K/J move\(separator)tab edit"
                + "\(separator)w write\(separator)esc undo"
        case .action:
            return "space: keep or delete\(separator)tab: next field\(separator)enter: done\(separator)esc: undo"
        default:
            return field.isToggle
                ? "space switches \(field.label)\(separator)tab: next field\(separator)enter: keep\(separator)esc: undo"
                : "spaces separate patterns\(separator)tab: next field\(separator)enter: keep\(separator)esc: undo"
        }
    }

    /// A field's label: reversed when focused, red when the field has an error. Returns the column after it.
    private func drawLabel(
        _ field: ComposerField, composer: ComposerState, into buffer: inout Buffer, x: Int, y: Int, width: Int,
        theme: Theme
    ) -> Int {
        var style = composer.field == field ? theme.focusedButton : theme.bold
        if !errors(at: field).isEmpty { style = style.patched(with: theme.error) }
        return buffer.write(field.label, x: x, y: y, width: width, style: style, ellipsis: theme.ellipsis)
    }

    /// A text field: the live input when focused (with the cursor), else the draft's text.
    private func drawText(
        _ field: ComposerField, composer: ComposerState, into buffer: inout Buffer, x: Int, y: Int, width: Int,
        theme: Theme
    ) {
        let focused = composer.field == field
        let input = focused ? composer.input : TextInput(draft.text(of: field))
        let errorColumn = errors(at: field).first?.column
        buffer.fill(Rect(x: x, y: y, width: width, height: 1), style: Style(attributes: .underline))
        renderInput(
            input, into: &buffer, x: x, y: y, width: width, theme: theme, style: Style(attributes: .underline),
            errorColumn: errorColumn, showCursor: focused)
    }
}
