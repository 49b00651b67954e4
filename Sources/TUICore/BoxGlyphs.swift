/// The characters a box is drawn with, in a Unicode and an ASCII variant.
///
/// The ASCII set is for terminals whose locale is not UTF-8 (`TerminalBackend.supportsUnicode`);
/// it also carries the ellipsis to use when a title must be shortened.
public struct BoxGlyphs: Sendable, Hashable {
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    public var horizontal: String
    public var vertical: String
    /// Marks a title or text that was cut to fit.
    public var ellipsis: String

    public init(
        topLeft: String,
        topRight: String,
        bottomLeft: String,
        bottomRight: String,
        horizontal: String,
        vertical: String,
        ellipsis: String
    ) {
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
        self.horizontal = horizontal
        self.vertical = vertical
        self.ellipsis = ellipsis
    }

    /// Light box-drawing characters: `┌─┐│└┘`.
    public static let unicode = BoxGlyphs(
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        horizontal: "─", vertical: "│", ellipsis: DisplayWidth.unicodeEllipsis
    )

    /// Rounded corners: `╭─╮│╰╯`.
    public static let rounded = BoxGlyphs(
        topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯",
        horizontal: "─", vertical: "│", ellipsis: DisplayWidth.unicodeEllipsis
    )

    /// Plain ASCII: `+-+|++`, for terminals without a UTF-8 locale.
    public static let ascii = BoxGlyphs(
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        horizontal: "-", vertical: "|", ellipsis: DisplayWidth.asciiEllipsis
    )

    /// The Unicode set when the terminal can show it, else the ASCII set.
    public static func preferred(supportsUnicode: Bool) -> BoxGlyphs {
        supportsUnicode ? .unicode : .ascii
    }
}
