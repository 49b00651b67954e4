/// A terminal colour: the terminal's default, one of the 16 ANSI colours, or a 256-colour palette index.
///
/// Renderers pick named colours; `indexed` exists for the few places where a 256-colour shade reads
/// better. `Style.adapted(to:)` folds colours down for terminals that have fewer of them.
public enum Color: Sendable, Hashable {
    /// The terminal's own foreground or background colour (ratatui's `Reset`).
    case `default`
    case black
    case red
    case green
    case yellow
    case blue
    case magenta
    case cyan
    case white
    case brightBlack
    case brightRed
    case brightGreen
    case brightYellow
    case brightBlue
    case brightMagenta
    case brightCyan
    case brightWhite
    /// An entry of the xterm 256-colour palette (0–15 are the ANSI colours above).
    case indexed(UInt8)

    /// The eight base colours in ANSI order; index `n` is colour number `n`.
    public static let ansiBase: [Color] = [.black, .red, .green, .yellow, .blue, .magenta, .cyan, .white]

    /// The sixteen ANSI colours in palette order (base colours, then bright ones).
    public static let ansi16: [Color] =
        ansiBase + [
            .brightBlack, .brightRed, .brightGreen, .brightYellow,
            .brightBlue, .brightMagenta, .brightCyan, .brightWhite,
        ]

    /// The palette number of this colour (0–255), or `nil` for `.default`.
    public var paletteIndex: Int? {
        switch self {
        case .default: return nil
        case .indexed(let index): return Int(index)
        default: return Color.ansi16.firstIndex(of: self)
        }
    }

    /// The nearest of the sixteen ANSI colours; `.default` stays `.default`.
    ///
    /// Used when a terminal reports fewer than 256 colours. Cube colours map to the base colour made of
    /// their channels at level 2 (0x87) or above, bright when a channel is at full level; greys map to
    /// black, bright black, white or bright white.
    public var nearestANSI16: Color {
        guard case .indexed(let index) = self else { return self }
        let value = Int(index)
        if value < 16 { return Color.ansi16[value] }
        if value >= 232 {
            // 24 greys from near-black to near-white.
            switch value - 232 {
            case 0..<6: return .black
            case 6..<12: return .brightBlack
            case 12..<19: return .white
            default: return .brightWhite
            }
        }
        let cube = value - 16
        let red = cube / 36
        let green = (cube / 6) % 6
        let blue = cube % 6
        let bits = (red >= 2 ? 1 : 0) | (green >= 2 ? 2 : 0) | (blue >= 2 ? 4 : 0)
        let bright = max(red, green, blue) >= 5
        return bright ? Color.ansi16[bits + 8] : Color.ansiBase[bits]
    }
}
