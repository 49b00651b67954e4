import Purge
import Yams

/// Where everything sits in a policy file's text: which lines each top-level key, each rule and
/// each rule key spans, and the comments above them. `PolicyWriter` reads it to write a changed
/// policy back with every unchanged line as it was.
///
/// A span's `leading` lines are the blank and comment lines right above it: a comment above a
/// rule or a key travels with it. Lines are kept without their line breaks.
struct PolicySourceLayout {
    /// Lines of text, with what comes before them.
    struct Span {
        var leading: [String] = []
        var lines: [String] = []
    }

    struct Key {
        var name: String
        var span: Span
        /// A list written one item per line (`- 'x'`), and the indentation of its items.
        var blockListIndent: Int?
    }

    struct Rule {
        var leading: [String]
        var keys: [Key]
        /// Written as one key per line at one column, so that lines can be reused one by one. A
        /// rule in flow style (`- {name: ci, …}`) is written anew.
        var reusable: Bool
        /// The column of the `-` and of the keys (0-based).
        var itemIndent: Int
        var keyIndent: Int
    }

    var header: [String] = []
    var footer: [String] = []
    /// The file's line break (`\r\n` when its first line ends so), and whether its last line has
    /// one: a write-back keeps both, so a diff shows only what changed.
    var lineBreak = "\n"
    var endsWithLineBreak = true
    /// Top-level keys in file order; `rules` has only its own line here, the rules are in `rules`.
    var topKeys: [Key] = []
    /// Whether the rules are a block list, one rule after another (else they are written anew).
    var rulesReusable = false
    var rules: [Rule] = []
    /// The file as it was read, to compare each value with.
    var document: PolicyDocument

    /// The layout of `text`; nil when it is not a policy file that parses.
    init?(text: String) {
        guard let file = try? PolicyFile.parse(text), let root = try? Yams.compose(yaml: text),
            case .mapping(let mapping) = root
        else { return nil }
        document = file.document
        let lines = Self.lines(of: text)
        // A final line break leaves one empty element: not a line of the file.
        let body = lines.last == "" ? Array(lines.dropLast()) : lines
        endsWithLineBreak = lines.last == ""
        let bytes = Array(text.utf8)
        if let first = bytes.firstIndex(of: 0x0A), first > 0, bytes[first - 1] == 0x0D { lineBreak = "\r\n" }
        let entries = mapping.map { (key: $0.key, value: $0.value) }
        let starts = entries.map { $0.key.mark?.line ?? 1 }
        guard let first = starts.first else { return nil }
        header = Array(body[0..<min(first - 1, body.count)])
        let spans = Self.spans(of: body, starts: starts, end: body.count + 1)
        footer = spans.after
        for (index, entry) in entries.enumerated() {
            let name = entry.key.scalar?.string ?? ""
            var span = spans.spans[index]
            if index == 0 { span.leading = [] }
            if name == "rules", case .sequence(let sequence) = entry.value, !Self.isFlow(entry.value, lines: body),
                let rulesText = span.lines.first
            {
                rulesReusable = true
                let ruleStarts = sequence.map { $0.mark?.line ?? 1 }
                let rulesLine = starts[index]
                // The rules run from the first item to the end of the key's span.
                let ruleSpans = Self.spans(of: body, starts: ruleStarts, end: rulesLine + span.lines.count)
                for (item, node) in zip(ruleSpans.spans, sequence) {
                    rules.append(Self.rule(node, span: item, lines: body))
                }
                // Lines between `rules:` and the first item (comments) stay with the first rule.
                if let firstRule = ruleStarts.first, !rules.isEmpty, firstRule - 1 > rulesLine {
                    rules[0].leading = Array(body[rulesLine..<(firstRule - 1)]) + rules[0].leading
                }
                span.lines = [rulesText]
            }
            topKeys.append(Key(name: name, span: span, blockListIndent: Self.blockIndent(entry.value, lines: body)))
        }
    }

    /// Splits lines `starts[0]..<end` (1-based) into one span per start; blank and comment lines at
    /// the end of a span belong to the next one, those after the last span are `after`.
    static func spans(of lines: [String], starts: [Int], end: Int) -> (spans: [Span], after: [String]) {
        var spans: [Span] = []
        var pending: [String] = []
        for (index, start) in starts.enumerated() {
            let stop = index + 1 < starts.count ? starts[index + 1] : end
            let from = max(start - 1, 0)
            let to = max(min(stop - 1, lines.count), from)
            var chunk = Array(lines[from..<to])
            var trailing: [String] = []
            while chunk.count > 1, let last = chunk.last, isBlankOrComment(last) {
                trailing.insert(chunk.removeLast(), at: 0)
            }
            spans.append(Span(leading: pending, lines: chunk))
            pending = trailing
        }
        return (spans, pending)
    }

    private static func rule(_ node: Node, span: Span, lines: [String]) -> Rule {
        let itemLine = span.lines.first ?? ""
        let itemIndent = itemLine.prefix { $0 == " " }.count
        guard case .mapping(let mapping) = node, !isFlow(node, lines: lines),
            itemLine.dropFirst(itemIndent).first == "-"
        else {
            return Rule(
                leading: span.leading, keys: [], reusable: false, itemIndent: itemIndent, keyIndent: itemIndent + 2)
        }
        let keyStarts = mapping.map { $0.key.mark?.line ?? 0 }
        let columns = Set(mapping.map { $0.key.mark?.column ?? 0 })
        let firstLine = span.lines.isEmpty ? 0 : (mapping.first?.key.mark?.line ?? 0)
        let distinct = Set(keyStarts).count == keyStarts.count
        // The keys must start on the item's line and share one column to be reused line by line.
        guard distinct, columns.count == 1, let column = columns.first, keyStarts.first == firstLine else {
            return Rule(
                leading: span.leading, keys: [], reusable: false, itemIndent: itemIndent, keyIndent: itemIndent + 2)
        }
        let end = firstLine + span.lines.count
        let keySpans = spans(of: lines, starts: keyStarts, end: end)
        var keys: [Key] = []
        for ((key, value), keySpan) in zip(mapping, keySpans.spans) {
            keys.append(
                Key(name: key.scalar?.string ?? "", span: keySpan, blockListIndent: blockIndent(value, lines: lines)))
        }
        // Comments after the last key stay with it.
        if !keySpans.after.isEmpty, !keys.isEmpty { keys[keys.count - 1].span.lines += keySpans.after }
        return Rule(leading: span.leading, keys: keys, reusable: true, itemIndent: itemIndent, keyIndent: column - 1)
    }

    /// The indentation of a block list's items, for writing a changed list in the same shape.
    private static func blockIndent(_ node: Node, lines: [String]) -> Int? {
        guard case .sequence(let sequence) = node, !isFlow(node, lines: lines), let line = sequence.first?.mark?.line,
            lines.indices.contains(line - 1)
        else { return nil }
        return lines[line - 1].prefix { $0 == " " }.count
    }

    /// Whether a list or mapping is written in flow style (`[…]`, `{…}`). Yams composes nodes
    /// without their style, so this looks at the character where the node starts.
    static func isFlow(_ node: Node, lines: [String]) -> Bool {
        guard let mark = node.mark, lines.indices.contains(mark.line - 1) else { return false }
        let line = Array(lines[mark.line - 1])
        guard line.indices.contains(mark.column - 1) else { return false }
        return line[mark.column - 1] == "[" || line[mark.column - 1] == "{"
    }

    /// The text's lines without their breaks (`\n` or `\r\n`). Split on bytes: in a Swift string
    /// `\r\n` is one character, which a split on `\n` would not see.
    static func lines(of text: String) -> [String] {
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line[...], as: UTF8.self)
        }
    }

    static func isBlankOrComment(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        return trimmed.isEmpty || trimmed.first == "#"
    }

    /// The end-of-line comment of a one-line `key: value` (with the spaces before it), or "".
    static func trailingComment(_ line: String) -> String {
        let characters = Array(line)
        var quote: Character?
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if open == "'" && character == "'" {
                    if index + 1 < characters.count && characters[index + 1] == "'" { index += 1 } else { quote = nil }
                } else if open == "\"" && character == "\\" {
                    index += 1
                } else if open == "\"" && character == "\"" {
                    quote = nil
                }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "#", index > 0, characters[index - 1] == " " || characters[index - 1] == "\t" {
                var start = index
                while start > 0, characters[start - 1] == " " || characters[start - 1] == "\t" { start -= 1 }
                return String(characters[start...])
            }
            index += 1
        }
        return ""
    }
}
