import RegistryClient

/// Text from a registry or a policy file made safe inside GitHub-flavoured Markdown: it renders
/// as the characters it is, never as a table column, emphasis, a link, math, a mention or HTML.
enum MarkdownText {
    /// Characters with a meaning somewhere in GFM (tables, emphasis, code, links, HTML, entities,
    /// math, strikethrough, mentions and issue references). A backslash before any of them is
    /// always a literal, which CommonMark allows for every ASCII punctuation character. `!` needs
    /// none: it makes an image only before a `[`, which is escaped.
    static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "$", "&", "#", "@"]

    /// `text` as inline Markdown: control characters shown escaped (`SafeText`), then every
    /// special character backslash-escaped. Safe in a table cell and in running text.
    static func inline(_ text: String) -> String {
        var result = ""
        for character in SafeText.escape(text) {
            if special.contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// A registry name as inline code when it is made only of the characters names are made of
    /// (nothing inside a code span can be escaped); otherwise as escaped inline text.
    static func code(_ text: String) -> String {
        let plain =
            !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._:/@+-".contains($0)) }
        return plain ? "`\(text)`" : inline(text)
    }

    /// A table row of cells that are already Markdown.
    static func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }
}
