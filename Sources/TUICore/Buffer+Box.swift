extension Buffer {
    /// Draws a border around `rect`, with an optional title in the top edge: `┌ Tags ─────┐`.
    ///
    /// Only the border cells are written; the inside is left as it is (use `fill` first to clear it).
    /// `titleStyle` is layered over `style` for the title text. A title that does not fit is shortened with `glyphs.ellipsis`. Rectangles smaller than 2×2 have
    /// no room for a border and draw nothing.
    public mutating func drawBox(
        _ rect: Rect,
        title: String? = nil,
        style: Style = .plain,
        titleStyle: Style? = nil,
        glyphs: BoxGlyphs = .unicode
    ) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let last = rect.right - 1
        let bottom = rect.bottom - 1
        for column in (rect.left + 1)..<last {
            set(string: glyphs.horizontal, x: column, y: rect.top, style: style)
            set(string: glyphs.horizontal, x: column, y: bottom, style: style)
        }
        for row in (rect.top + 1)..<bottom {
            set(string: glyphs.vertical, x: rect.left, y: row, style: style)
            set(string: glyphs.vertical, x: last, y: row, style: style)
        }
        set(string: glyphs.topLeft, x: rect.left, y: rect.top, style: style)
        set(string: glyphs.topRight, x: last, y: rect.top, style: style)
        set(string: glyphs.bottomLeft, x: rect.left, y: bottom, style: style)
        set(string: glyphs.bottomRight, x: last, y: bottom, style: style)

        // The title sits between the corners with a space on each side: room is width - 4.
        guard let title, !title.isEmpty, rect.width >= 5 else { return }
        let shown = DisplayWidth.truncate(title, toWidth: rect.width - 4, ellipsis: glyphs.ellipsis)
        guard !shown.isEmpty else { return }
        set(
            string: " \(shown) ", x: rect.left + 1, y: rect.top, style: style.patched(with: titleStyle ?? .plain),
            maxWidth: rect.width - 2)
    }
}
