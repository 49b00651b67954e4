import TUICore

/// A column of a list pane: a heading, a width and an alignment.
struct TableColumn: Equatable {
    enum Identifier: Equatable {
        case glyph, name, digest, kind, tags, age, created, size, platforms, verdict, count, go, lock, rule
    }

    var id: Identifier
    var title: String
    var width: Int
    var alignment: TextAlignment = .left

    /// Fits columns into `width`: `required` always (the first one stretches), then `optional` in order
    /// while they fit; the leftover width goes to `stretch` (or the first required column), capped.
    static func fit(
        width: Int, required: [TableColumn], optional: [TableColumn], stretch: Identifier? = nil, order: [Identifier]
    ) -> [TableColumn] {
        var chosen = required
        var used = required.reduce(0) { $0 + $1.width } + max(0, required.count - 1)
        for column in optional where used + 1 + column.width <= width {
            chosen.append(column)
            used += 1 + column.width
        }
        var leftover = max(0, width - used)
        // The name column grows first (to 32 columns), then the stretch column takes the rest. A
        // digest is always shown short (12 characters): growing it would only add blanks.
        if let name = chosen.firstIndex(where: { $0.id == .name }) {
            let grow = min(leftover, max(0, 32 - chosen[name].width))
            chosen[name].width += grow
            leftover -= grow
        }
        if let stretch, let index = chosen.firstIndex(where: { $0.id == stretch }) {
            chosen[index].width += leftover
        } else if let first = chosen.indices.first(where: { chosen[$0].id != .glyph }) {
            chosen[first].width += leftover
        }
        return order.compactMap { id in chosen.first { $0.id == id } }
    }

    /// Draws a row of cells at `y` from `x`, one space between columns.
    static func draw(
        _ cells: [(TableColumn, String)], into buffer: inout Buffer, x: Int, y: Int, style: Style, ellipsis: String
    ) {
        var column = x
        for (definition, text) in cells {
            buffer.write(
                text, x: column, y: y, width: definition.width, style: style, alignment: definition.alignment,
                ellipsis: ellipsis)
            column += definition.width + 1
        }
    }
}
