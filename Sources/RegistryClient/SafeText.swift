/// Makes text that came from a registry safe to show to a person.
///
/// Registry names, error messages, annotations and headers are untrusted: a tag named
/// `\u{1B}]52;c;…\u{07}` would write to the user's clipboard, `\u{1B}[2J` would clear the screen, a
/// CR would overwrite the start of a line. Every string from outside passes this one function on
/// its way to a terminal, stderr, a log or a file meant for people (`--output json` does not: the
/// encoder escapes control characters itself and consumers need the exact value).
public enum SafeText {
    /// `text` with every control character and bidirectional override shown escaped: `\x1b` for
    /// C0, DEL and C1 controls, `\u{202e}` for bidi controls (which reorder what a reviewer sees).
    /// A backslash stays as it is; text without such characters comes back unchanged.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            if scalar.value < 0x100 {
                result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                result += "\\u{" + hex + "}"
            }
        }
        return result
    }

    /// Whether a scalar must not reach a terminal as it is.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        // Bidi embeddings, overrides and isolates; line and paragraph separators.
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
