/// Terminal column widths of text, computed in Swift so that layout does not depend on the C library.
///
/// A grapheme cluster (a `Character`) is 0, 1 or 2 columns wide:
/// - 0 for control characters and for clusters made only of combining marks or zero-width format
///   characters (they have no column of their own);
/// - 2 for emoji shown as emoji (Emoji_Presentation, or a base followed by VS16) and for East Asian
///   Wide and Fullwidth characters (CJK ideographs, kana, Hangul, fullwidth forms);
/// - otherwise the sum of its scalars' widths, which is 1 for Latin text with accents.
public enum DisplayWidth {
    /// The ellipsis used to mark shortened text on a UTF-8 terminal.
    public static let unicodeEllipsis = "…"
    /// The ellipsis used when the terminal cannot show Unicode.
    public static let asciiEllipsis = "~"

    /// The number of terminal columns `string` occupies.
    public static func of(_ string: String) -> Int {
        var total = 0
        for character in string {
            total += of(character)
        }
        return total
    }

    /// The number of terminal columns one grapheme cluster occupies (0, 1 or 2).
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        if let first = scalars.first, scalars.count == 1 {
            return of(first)
        }
        var hasTextSelector = false
        var hasEmojiSelector = false
        var hasEmojiPresentation = false
        for scalar in scalars {
            switch scalar.value {
            case 0xFE0E: hasTextSelector = true
            case 0xFE0F: hasEmojiSelector = true
            default: if scalar.properties.isEmojiPresentation { hasEmojiPresentation = true }
            }
        }
        if let base = scalars.first {
            // VS16 turns a text-default symbol (❤, ☺, digits in keycaps) into a two-column emoji;
            // VS15 turns an emoji-default one back into one column of text.
            if hasEmojiSelector && base.properties.isEmoji { return 2 }
            if hasTextSelector && base.properties.isEmoji { return 1 }
        }
        // ZWJ sequences, skin tones and flags render as one emoji, not as the sum of their parts.
        if hasEmojiPresentation { return 2 }
        var total = 0
        for scalar in scalars {
            total += of(scalar)
        }
        return min(total, 2)
    }

    /// The number of terminal columns one Unicode scalar occupies on its own (0, 1 or 2).
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // Printable ASCII is by far the most common case.
        if value >= 0x20 && value < 0x7F { return 1 }
        switch scalar.properties.generalCategory {
        case .control, .nonspacingMark, .enclosingMark, .format, .lineSeparator, .paragraphSeparator:
            return 0
        default:
            break
        }
        // Hangul medial vowels and final consonants join the preceding initial consonant.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return isWide(value) ? 2 : 1
    }

    /// Whether a code point is East Asian Wide or Fullwidth (emoji are handled by their property).
    private static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Wide (W) and Fullwidth (F) ranges from Unicode's EastAsianWidth.txt, merged where
    /// unassigned gaps allow, sorted for binary search.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x2329...0x232A,  // angle brackets
        0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
        0x3041...0x33FF,  // kana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed, compat
        0x3400...0x4DBF,  // CJK extension A
        0x4E00...0xA4CF,  // CJK unified ideographs, Yi
        0xA960...0xA97F,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
        0xFF00...0xFF60,  // fullwidth ASCII variants
        0xFFE0...0xFFE6,  // fullwidth signs
        0x16FE0...0x16FFF,  // ideographic symbols
        0x17000...0x18CFF,  // Tangut, Khitan
        0x18D00...0x18D08,  // Tangut supplement
        0x1AFF0...0x1B2FF,  // kana supplements, Nushu
        0x1F200...0x1F2FF,  // enclosed ideographic supplement
        0x20000...0x2FFFD,  // CJK extensions B–F
        0x30000...0x3FFFD,  // CJK extensions G–H
    ]
}
