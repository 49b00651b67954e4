import Yams

/// Where a character of a scalar's value sits in the file, so that an error inside a filter or a
/// duration points at that character rather than at the start of the value.
///
/// Quotes and escapes put the value's characters further right than their index; this walks the
/// source line to undo them. Block scalars (`|`, `>`) and quoted values that span lines are not
/// walked: their errors point at the value's start.
enum ScalarPosition {
    /// The 1-based file column of the value's 1-based `valueColumn`, on the scalar's own line.
    static func column(of valueColumn: Int, in scalar: Node.Scalar, sourceLine: String?) -> Int {
        guard let mark = scalar.mark else { return 1 }
        let characters = Array(sourceLine ?? "")
        // The first character of the value, as a 0-based index into the line.
        var index = mark.column
        switch scalar.style {
        case .plain, .any:
            return mark.column + valueColumn - 1
        case .singleQuoted:
            for _ in 1..<max(valueColumn, 1) {
                guard index < characters.count else { return mark.column }
                // '' is one quote in the value.
                index +=
                    characters[index] == "'" && index + 1 < characters.count && characters[index + 1] == "'" ? 2 : 1
            }
        case .doubleQuoted:
            for _ in 1..<max(valueColumn, 1) {
                guard index < characters.count else { return mark.column }
                index += characters[index] == "\\" ? escapeLength(characters, at: index) : 1
            }
        case .literal, .folded:
            return mark.column
        }
        return index < characters.count ? index + 1 : mark.column
    }

    /// How many source characters a double-quoted escape takes (`\n` 2, `\x41` 4, `\u00e9` 6, …).
    private static func escapeLength(_ characters: [Character], at index: Int) -> Int {
        guard index + 1 < characters.count else { return 1 }
        switch characters[index + 1] {
        case "x": return 4
        case "u": return 6
        case "U": return 10
        default: return 2
        }
    }
}
