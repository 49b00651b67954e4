import TUICore

extension Buffer {
    /// Writes `text` in exactly `width` columns from (`x`, `y`): padded, or cut with `ellipsis`.
    @discardableResult
    mutating func write(
        _ text: String, x: Int, y: Int, width: Int, style: Style = .plain, alignment: TextAlignment = .left,
        ellipsis: String
    ) -> Int {
        guard width > 0 else { return x }
        let shown = DisplayWidth.pad(text, toWidth: width, alignment: alignment, ellipsis: ellipsis)
        set(string: shown, x: x, y: y, style: style, maxWidth: width)
        return x + width
    }

    /// Writes `text` from (`x`, `y`), cut with `ellipsis` at `limit` (a column), not padded.
    @discardableResult
    mutating func write(_ text: String, x: Int, y: Int, limit: Int, style: Style = .plain, ellipsis: String) -> Int {
        let width = limit - x
        guard width > 0 else { return x }
        let shown = DisplayWidth.truncate(text, toWidth: width, ellipsis: ellipsis)
        return set(string: shown, x: x, y: y, style: style, maxWidth: width)
    }

    /// Clears `rect` and draws a box around it; returns the inside.
    @discardableResult
    mutating func panel(_ rect: Rect, title: String?, border: Style, theme: Theme) -> Rect {
        fill(rect)
        drawBox(rect, title: title, style: border, titleStyle: Style(attributes: .bold), glyphs: theme.box)
        return rect.inner(margin: 1)
    }
}
