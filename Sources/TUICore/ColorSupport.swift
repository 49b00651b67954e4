/// How many colours a terminal can show, so renderers can fall back to attributes.
public enum ColorSupport: Sendable, Hashable, Comparable {
    /// No colours: `NO_COLOR` is set or the terminal is monochrome. Only attributes are shown.
    case monochrome
    /// The 8 (or 16) ANSI colours.
    case basic
    /// The xterm 256-colour palette.
    case extended
}
