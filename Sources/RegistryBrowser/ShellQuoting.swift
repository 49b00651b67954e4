/// Quoting for the command lines the export writes, so they can be pasted as they are.
enum ShellQuoting {
    /// `text` in single quotes, the way the article writes filters: `'my-app:^((?!prod|dev).)*$'`.
    static func single(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `text` made safe inside double quotes: `"`, `\` and `` ` `` are escaped, and `$` only where the
    /// shell would expand it, so the article's `…)*$'` stays as the article has it.
    static func insideDoubleQuotes(_ text: String) -> String {
        var result = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            switch character {
            case "\"", "\\", "`":
                result += "\\" + String(character)
            case "$":
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let expands = next.map { $0.isLetter || $0.isNumber || "_{(?$!#*@-".contains($0) } ?? false
                result += expands ? "\\$" : "$"
            default:
                result.append(character)
            }
        }
        return result
    }
}
