/// A frame of terminal cells that renderers draw into and backends flush.
///
/// Rendering is pure: a view draws the whole frame into a fresh `Buffer` from its state, tests compare
/// `lines()` and `style(atX:y:)` against expectations, and a backend sends only `diff(from:)` to the
/// terminal. Every write clips to the buffer, so callers can draw without bounds checks.
///
/// Invariant: a wide grapheme's cell is always followed by a continuation cell, and a continuation cell
/// always follows a wide grapheme. Writes that would split a pair blank the other half.
public struct Buffer: Sendable, Hashable {
    /// Number of columns.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// The cells row by row; the cell at column `x`, row `y` is at `y * width + x`.
    public private(set) var cells: [Cell]

    /// A buffer of `width` × `height` copies of `cell` (blank by default).
    public init(width: Int, height: Int, filledWith cell: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: cell, count: self.width * self.height)
    }

    /// A blank buffer of the given size.
    public init(size: Size) {
        self.init(width: size.width, height: size.height)
    }

    /// A buffer showing `lines`, one per row, in the plain style (ratatui's `Buffer::with_lines`).
    ///
    /// The width is that of the widest line; shorter lines are padded with spaces. Meant for tests:
    /// `#expect(buffer == Buffer(lines: ["┌ Tags ┐", …]))`.
    public init(lines: [String], style: Style = .plain) {
        let width = lines.map(DisplayWidth.of).max() ?? 0
        self.init(width: width, height: lines.count, filledWith: Cell(symbol: " ", style: style.resolved))
        for (row, line) in lines.enumerated() {
            set(string: line, x: 0, y: row, style: style)
        }
    }

    /// The whole buffer as a rectangle at the origin.
    public var area: Rect {
        Rect(width: width, height: height)
    }

    /// The width and height.
    public var size: Size {
        Size(width: width, height: height)
    }

    /// The cell at column `x`, row `y`, or `nil` outside the buffer.
    public func cell(atX x: Int, y: Int) -> Cell? {
        guard contains(x: x, y: y) else { return nil }
        return cells[y * width + x]
    }

    /// The style of the cell at column `x`, row `y`, or `nil` outside the buffer.
    public func style(atX x: Int, y: Int) -> Style? {
        cell(atX: x, y: y)?.style
    }

    /// Writes `string` from column `x` on row `y`, patching each written cell's style with `style`.
    ///
    /// Writing stops at the right edge, or after `maxWidth` columns when given; a wide grapheme that
    /// would straddle that limit is left out. Control characters and lone combining marks are skipped
    /// because they have no column to live in. Returns the column after the last one written, which is
    /// where a following span would continue.
    @discardableResult
    public mutating func set(string: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        var limit = width
        if let maxWidth {
            limit = min(limit, x + max(0, maxWidth))
        }
        var column = x
        for character in string {
            let characterWidth = DisplayWidth.of(character)
            if characterWidth == 0 { continue }
            if column + characterWidth > limit { break }
            if column >= 0 {
                put(String(character), width: characterWidth, x: column, y: y) { old in
                    old.patched(with: style).resolved
                }
            }
            column += characterWidth
        }
        return max(x, column)
    }

    /// Replaces every cell in `rect` with a space in exactly `style` (not patched), clearing what was there.
    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        let clipped = rect.intersection(area)
        guard !clipped.isEmpty else { return }
        for row in clipped.top..<clipped.bottom {
            unpairEdges(from: clipped.left, to: clipped.right - 1, y: row)
            for column in clipped.left..<clipped.right {
                cells[row * width + column] = Cell(symbol: " ", style: style.resolved)
            }
        }
    }

    /// Patches the style of every cell in `rect` with `style`, keeping the text.
    public mutating func setStyle(_ rect: Rect, style: Style) {
        let clipped = rect.intersection(area)
        guard !clipped.isEmpty else { return }
        for row in clipped.top..<clipped.bottom {
            for column in clipped.left..<clipped.right {
                let index = row * width + column
                cells[index].style = cells[index].style.patched(with: style).resolved
            }
        }
    }

    /// Each row as plain text, for golden tests and debugging.
    ///
    /// - Parameter trimmingTrailingSpaces: drop spaces at the end of each row, so expectations do not
    ///   have to spell out padding.
    public func lines(trimmingTrailingSpaces: Bool = false) -> [String] {
        (0..<height).map { row in
            var line = ""
            for column in 0..<width {
                line += cells[row * width + column].symbol
            }
            if trimmingTrailingSpaces {
                while line.last == " " {
                    line.removeLast()
                }
            }
            return line
        }
    }

    /// Whether column `x`, row `y` lies inside the buffer.
    func contains(x: Int, y: Int) -> Bool {
        x >= 0 && x < width && y >= 0 && y < height
    }

    /// Writes one grapheme of `characterWidth` columns at (`x`, `y`), styled by `restyle(oldStyle)`.
    ///
    /// The caller guarantees the grapheme fits inside the row.
    private mutating func put(_ symbol: String, width characterWidth: Int, x: Int, y: Int, restyle: (Style) -> Style) {
        unpairEdges(from: x, to: x + characterWidth - 1, y: y)
        let index = y * width + x
        let style = restyle(cells[index].style)
        cells[index] = Cell(symbol: symbol, style: style)
        for offset in 1..<max(1, characterWidth) {
            cells[index + offset] = .continuation(style: restyle(cells[index + offset].style))
        }
    }

    /// Blanks the halves of wide graphemes that columns `first...last` of row `y` are about to split.
    ///
    /// If the first column is a continuation, its grapheme starts left of the range; if the column after
    /// the range is a continuation, its grapheme starts inside the range. Either way the other half would
    /// be left dangling, so it becomes a space in its old style.
    private mutating func unpairEdges(from first: Int, to last: Int, y: Int) {
        let rowStart = y * width
        if first > 0, first < width, cells[rowStart + first].isContinuation {
            let head = rowStart + first - 1
            cells[head] = Cell(symbol: " ", style: cells[head].style)
        }
        if last + 1 < width, last + 1 >= 0, cells[rowStart + last + 1].isContinuation {
            let tail = rowStart + last + 1
            cells[tail] = Cell(symbol: " ", style: cells[tail].style)
        }
    }
}
