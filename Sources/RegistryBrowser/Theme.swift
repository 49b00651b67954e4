import TUICore

/// The styles and glyphs of every screen, in one place.
///
/// Colours are only ever added on top of attributes and glyphs: a monochrome terminal drops the colours
/// (`Style.adapted(to:)`), and what is left (bold, dim, underline, reverse, the glyph column, the verdict
/// word) must still tell every verdict and every highlight apart.
struct Theme: Sendable {
    let unicode: Bool

    init(unicode: Bool) {
        self.unicode = unicode
    }

    var box: BoxGlyphs { BoxGlyphs.preferred(supportsUnicode: unicode) }
    var ellipsis: String { unicode ? DisplayWidth.unicodeEllipsis : DisplayWidth.asciiEllipsis }
    var separator: String { unicode ? " · " : " | " }
    var arrow: String { unicode ? "→" : "->" }

    /// The bar across the top: reverse video without colour.
    let headerBar = Style(foreground: .brightWhite, background: .blue, attributes: .bold)
    let headerDetail = Style(foreground: .white, background: .blue).removing(.bold)
    let readOnlyBadge = Style(foreground: .black, background: .yellow, attributes: [.bold, .underline])
    let focusedBorder = Style(foreground: .cyan, attributes: .bold)
    let unfocusedBorder = Style(foreground: .brightBlack, attributes: .dim)
    let columnHeader = Style(foreground: .brightBlack, attributes: .bold)
    /// The selected row: a grey bar in colour, reverse video without.
    let selection = Style(background: .indexed(238))
    let dim = Style(attributes: .dim)
    let bold = Style(attributes: .bold)
    let error = Style(foreground: .red, attributes: .bold)
    let warning = Style(foreground: .yellow, attributes: .bold)
    let info = Style(foreground: .cyan)
    let key = Style(foreground: .cyan, attributes: .bold)
    let dialogBorder = Style(foreground: .red, attributes: .bold)
    let plainBorder = Style(foreground: .cyan, attributes: .bold)
    let focusedButton = Style(attributes: [.reverse, .bold])
    let progressDone = Style(foreground: .green, attributes: .bold)
    let progressLeft = Style(foreground: .brightBlack, attributes: .dim)
    let cursor = Style(attributes: .reverse)
    /// A diff's lines: removed red, added green (and `-`/`+` in front, for monochrome terminals).
    let diffRemoved = Style(foreground: .red)
    let diffAdded = Style(foreground: .green)

    /// The style of a row with this verdict.
    func style(_ verdict: VerdictClass) -> Style {
        switch verdict {
        case .delete: return Style(foreground: .red, attributes: .bold)
        case .keptByKeep: return Style(foreground: .cyan, attributes: .italic)
        case .protected: return Style(foreground: .green, attributes: .underline)
        case .tooNew: return Style(foreground: .green)
        case .ageUnknown: return Style(foreground: .yellow, attributes: .italic)
        case .locked: return Style(foreground: .magenta, attributes: .underline)
        case .excluded: return Style(foreground: .blue, attributes: .italic)
        case .inUse: return .plain
        case .notMatched: return Style(attributes: .dim)
        }
    }

    /// A frame of the activity spinner for `tick`.
    func spinner(_ tick: Int) -> String {
        let frames = unicode ? ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] : ["|", "/", "-", "\\"]
        return frames[((tick % frames.count) + frames.count) % frames.count]
    }

    /// A switch as the composer shows it.
    func checkbox(_ on: Bool) -> String {
        on ? "[x]" : "[ ]"
    }
}
