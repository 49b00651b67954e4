/// One terminal column: a grapheme to show and the style to show it in.
///
/// A wide grapheme (CJK, emoji) covers two columns. Its cell holds the grapheme and the cell to its
/// right is a *continuation* cell with an empty symbol, so that every row has exactly `width` cells and
/// joining the symbols of a row gives the text as the terminal shows it.
public struct Cell: Sendable, Hashable {
    /// The grapheme shown in this column; empty for the right half of a wide grapheme.
    public var symbol: String
    /// The resolved style of the column.
    public var style: Style

    /// A space in the terminal's default colours.
    public static let blank = Cell(symbol: " ")

    public init(symbol: String, style: Style = .plain) {
        self.symbol = symbol
        self.style = style
    }

    /// The right half of a wide grapheme.
    public static func continuation(style: Style = .plain) -> Cell {
        Cell(symbol: "", style: style)
    }

    /// Whether this cell is the right half of a wide grapheme (and draws nothing itself).
    public var isContinuation: Bool {
        symbol.isEmpty
    }
}
