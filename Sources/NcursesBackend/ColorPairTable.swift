import TUICore

/// Hands out curses colour-pair numbers for (foreground, background) combinations on first use.
///
/// curses draws colours only through numbered pairs, and terminals offer a limited number of them, so
/// pairs are allocated lazily for the combinations a frame actually uses rather than for all of them.
/// When the pairs run out, further combinations fall back to pair 0 (the default colours): text stays
/// readable, only the colour is lost.
struct ColorPairTable {
    /// A pair as curses colour numbers; -1 is the terminal default.
    struct Pair: Hashable {
        var foreground: Int16
        var background: Int16
    }

    private let colorCount: Int
    private let pairLimit: Int
    private let hasDefaultColors: Bool
    private var numbers: [Pair: Int16] = [:]

    /// - Parameters:
    ///   - colorCount: `COLORS` after `start_color()`.
    ///   - pairLimit: `COLOR_PAIRS` after `start_color()`.
    ///   - hasDefaultColors: whether `use_default_colors()` succeeded, so -1 means "terminal default".
    init(colorCount: Int, pairLimit: Int, hasDefaultColors: Bool) {
        self.colorCount = colorCount
        // Pair numbers are a C `short` in setcchar.
        self.pairLimit = min(pairLimit, Int(Int16.max))
        self.hasDefaultColors = hasDefaultColors
    }

    /// The curses colours for a style's foreground and background.
    func pair(foreground: Color?, background: Color?) -> Pair {
        Pair(
            foreground: number(of: foreground, fallback: 7),
            background: number(of: background, fallback: 0)
        )
    }

    /// The pair number for `pair`, and whether it is new and must be set up with `init_pair` first.
    mutating func number(for pair: Pair) -> (number: Int16, isNew: Bool) {
        if pair == defaultPair { return (0, false) }
        if let existing = numbers[pair] { return (existing, false) }
        let next = numbers.count + 1
        guard next < pairLimit else { return (0, false) }
        let number = Int16(next)
        numbers[pair] = number
        return (number, true)
    }

    /// Pair 0, which curses fixes to the default colours.
    private var defaultPair: Pair {
        hasDefaultColors ? Pair(foreground: -1, background: -1) : Pair(foreground: 7, background: 0)
    }

    /// The curses colour number of `color`, folded to what the terminal has.
    private func number(of color: Color?, fallback: Int16) -> Int16 {
        guard let color, var index = color.paletteIndex else {
            return hasDefaultColors ? -1 : fallback
        }
        if index >= colorCount, let folded = color.nearestANSI16.paletteIndex {
            index = folded
        }
        // With only 8 colours, bright variants become their base colour.
        if index >= colorCount, index >= 8, index < 16 {
            index -= 8
        }
        guard index < colorCount else { return hasDefaultColors ? -1 : fallback }
        return Int16(index)
    }
}
