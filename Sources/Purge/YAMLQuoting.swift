/// YAML scalars for the scheduler exports and policy files, where a value can be anything a user typed: a filter
/// like `'.*:^((?!prod|dev).)*$'`, a path with spaces or quotes, a whole policy file.
///
/// `PolicyExport.yamlScalar` keeps the `acr` article's plain style for one known command; here a
/// value is plain only when no YAML reader can take it for anything but a string, else quoted.
public enum YAMLQuoting {
    /// `text` as one flow scalar: plain when that is unambiguous, else quoted.
    public static func scalar(_ text: String) -> String {
        isPlainSafe(text) ? text : quoted(text)
    }

    /// `text` always quoted: single quotes when it has neither a `'` nor a character that needs an
    /// escape (a shell line with `'…'` reads better in double quotes than with doubled `''`).
    public static func quoted(_ text: String) -> String {
        if text.unicodeScalars.contains(where: needsEscape) || text.contains("'") { return doubleQuoted(text) }
        return "'" + text + "'"
    }

    /// A multi-line value as the lines after `key:`: a literal block (`|`, `|-`, `|+` so the
    /// trailing newlines survive) indented by `indent` spaces when its text allows one, else one
    /// double-quoted line. The first element goes right after `key: `.
    public static func block(_ text: String, indent: Int) -> [String] {
        guard blockIsExact(text) else { return [doubleQuoted(text)] }
        var body = text
        var trailing = 0
        while body.hasSuffix("\n") {
            body.removeLast()
            trailing += 1
        }
        let chomp = trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+"
        let pad = String(repeating: " ", count: indent)
        var lines = [chomp]
        lines += body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
        lines += Array(repeating: "", count: max(0, trailing - 1))
        return lines
    }

    /// `text` double-quoted, with YAML escapes for `"`, `\`, line breaks and every character YAML
    /// does not allow as it is (or that a reader might fold or strip).
    public static func doubleQuoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                guard needsEscape(scalar) else {
                    result.unicodeScalars.append(scalar)
                    continue
                }
                let hex = String(scalar.value, radix: 16)
                switch scalar.value {
                case ..<0x100: result += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                case ..<0x10000: result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: result += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                }
            }
        }
        return result + "\""
    }

    /// Characters that cannot stand as they are in a single-quoted scalar or a literal block:
    /// controls (tab and line breaks too, which a flow scalar folds), YAML's non-printables, the
    /// Unicode line breaks a YAML 1.1 reader folds, the byte order mark, and bidi controls.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: return true
        // Bidi controls: legal YAML, but they reorder what a reviewer sees (and `SafeText` would
        // rewrite them on the way out, changing the value).
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        case 0xD800...0xDFFF: return true
        default: return false
        }
    }

    /// Words a YAML 1.1 reader (PyYAML, older Kubernetes tooling) would read as a boolean or null.
    private static let reserved: Set<String> = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ]

    /// Plain only for a conservative shape: letters, digits and `_ . / -`, starting with a letter,
    /// `_` or `/`, and not a word a reader turns into a boolean or null.
    public static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !reserved.contains(text.lowercased()) else { return false }
        let allowed = { (scalar: Unicode.Scalar) -> Bool in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "/", "-": return true
            default: return false
            }
        }
        // Not a digit or `.` first: `1.0`, `0x1f`, `.inf` and `.nan` read as numbers.
        switch first {
        case "a"..."z", "A"..."Z", "_", "/": break
        default: return false
        }
        return text.unicodeScalars.allSatisfy(allowed)
    }

    /// Whether a literal block gives back exactly `text`: no character that needs an escape but
    /// line feeds, a first content line that does not start with a space (which would change the
    /// block's indentation), and no line of only spaces (which a reader may strip).
    private static func blockIsExact(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        guard !text.unicodeScalars.contains(where: { $0 != "\n" && needsEscape($0) }) else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first(where: { !$0.isEmpty }), first.first != " " else { return false }
        return !lines.contains { !$0.isEmpty && $0.allSatisfy { $0 == " " } }
    }
}
