import Purge

/// Writes a policy document as a policy file, keeping what it can of the file it was read from.
///
/// Yams can read comments' positions but not write them, so the file is written line by line
/// here: every key whose value did not change keeps its lines exactly as they were (quotes,
/// comments and all), a changed value keeps its line's end-of-line comment, and rules and keys
/// keep the comments above them. What cannot be kept (the comments of a removed rule, a rule
/// written in flow style) shows in the diff the browser puts up before writing.
public enum PolicyWriter {
    /// The rule keys in the order a new rule is written.
    static let ruleKeys = PolicyFileParser.ruleKeys

    /// `document` as policy file text, ending in a line break.
    ///
    /// With `original` (the text the document was read from), unchanged lines are kept. `origins`
    /// gives, for each rule of `document`, the index of the original rule it was edited from (nil
    /// for a new rule); without it, rules are matched by name.
    public static func text(for document: PolicyDocument, original: String? = nil, origins: [Int?]? = nil) -> String {
        guard let original, let layout = PolicySourceLayout(text: original) else {
            return fresh(document)
        }
        var writer = LayoutWriter(layout: layout, document: document)
        let origins =
            origins
            ?? document.rules.map { rule in layout.document.rules.firstIndex { $0.name == rule.name } }
        return writer.write(origins: origins)
    }

    /// A new file: top-level keys, then one rule after another, two spaces of indentation.
    static func fresh(_ document: PolicyDocument) -> String {
        var lines: [String] = []
        if let registry = document.registry { lines.append("registry: " + YAMLQuoting.scalar(registry)) }
        if !document.protect.isEmpty { lines.append("protect: " + flowList(document.protect)) }
        lines.append("rules:")
        for rule in document.rules { lines += freshRule(rule, itemIndent: 2, keyIndent: 4) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A rule written anew, its keys in the usual order, defaults left out.
    static func freshRule(_ rule: PolicyDocument.Rule, itemIndent: Int, keyIndent: Int) -> [String] {
        var lines: [String] = []
        for key in ruleKeys where key == "name" || Self.isWorthWriting(key, in: rule) {
            lines += keyLines(key, rule: rule, indent: keyIndent, blockListIndent: nil)
        }
        return markItem(lines, itemIndent: itemIndent, keyIndent: keyIndent)
    }

    /// Whether a new key is written: it differs from what leaving it out means.
    static func isWorthWriting(_ key: String, in rule: PolicyDocument.Rule) -> Bool {
        guard rule.action == .delete || PolicyFileParser.keepRuleKeys.contains(key) else { return false }
        switch key {
        case "name", "filters": return key == "name" || !rule.filters.isEmpty || rule.action == .keep
        case "action": return rule.action == .keep
        case "ago": return rule.ago != nil
        case "keep": return rule.keep != 0
        case "untagged": return rule.untagged
        case "untagged-only": return rule.untaggedOnly
        case "include-locked": return rule.includeLocked
        default: return false
        }
    }

    /// Whether a key is the same in two versions of a rule.
    static func sameValue(_ key: String, _ a: PolicyDocument.Rule, _ b: PolicyDocument.Rule) -> Bool {
        switch key {
        case "name": return a.name == b.name
        case "action": return a.action == b.action
        case "filters": return a.filters == b.filters
        case "ago": return a.ago == b.ago
        case "keep": return a.keep == b.keep
        case "untagged": return a.untagged == b.untagged
        case "untagged-only": return a.untaggedOnly == b.untaggedOnly
        case "include-locked": return a.includeLocked == b.includeLocked
        default: return true
        }
    }

    /// `key: value` at `indent`; a list in block style when `blockListIndent` says the file had it so.
    static func keyLines(_ key: String, rule: PolicyDocument.Rule, indent: Int, blockListIndent: Int?) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch key {
        case "name": return [pad + "name: " + YAMLQuoting.scalar(rule.name)]
        case "action": return [pad + "action: " + rule.action.rawValue]
        case "filters": return listLines("filters", rule.filters, indent: indent, blockListIndent: blockListIndent)
        case "ago": return [pad + "ago: " + duration(rule.ago ?? "0d")]
        case "keep": return [pad + "keep: \(rule.keep)"]
        case "untagged": return [pad + "untagged: \(rule.untagged)"]
        case "untagged-only": return [pad + "untagged-only: \(rule.untaggedOnly)"]
        case "include-locked": return [pad + "include-locked: \(rule.includeLocked)"]
        default: return []
        }
    }

    /// A list of filters: `key: ['a', 'b']`, or one `- 'a'` line per item when the file wrote it so.
    static func listLines(_ key: String, _ items: [String], indent: Int, blockListIndent: Int?) -> [String] {
        let pad = String(repeating: " ", count: indent)
        guard let blockListIndent, !items.isEmpty else { return [pad + key + ": " + flowList(items)] }
        let itemPad = String(repeating: " ", count: blockListIndent)
        return [pad + key + ":"] + items.map { itemPad + "- " + YAMLQuoting.quoted($0) }
    }

    static func flowList(_ items: [String]) -> String {
        "[" + items.map(YAMLQuoting.quoted).joined(separator: ", ") + "]"
    }

    /// An `ago` value: plain when it is digits and unit letters (`14d`, `1d12h`), which no YAML
    /// reader takes for a number, else quoted.
    static func duration(_ text: String) -> String {
        let units: Set<Character> = ["d", "h", "m", "s"]
        let shaped =
            text.first?.isASCII == true && text.first?.isNumber == true
            && text.allSatisfy { ($0.isASCII && $0.isNumber) || units.contains($0) }
            && text.last.map(units.contains) == true
        return shaped ? text : YAMLQuoting.quoted(text)
    }

    /// Puts the list item's `- ` in front of a rule's first line.
    static func markItem(_ lines: [String], itemIndent: Int, keyIndent: Int) -> [String] {
        guard let first = lines.first else { return lines }
        return [itemPrefix(itemIndent: itemIndent, keyIndent: keyIndent) + first.dropFirst(keyIndent)]
            + lines.dropFirst()
    }

    static func itemPrefix(itemIndent: Int, keyIndent: Int) -> String {
        String(repeating: " ", count: itemIndent) + "-"
            + String(repeating: " ", count: max(keyIndent - itemIndent - 1, 1))
    }
}

/// One write of a document over the layout of the file it came from.
private struct LayoutWriter {
    let layout: PolicySourceLayout
    let document: PolicyDocument
    var lines: [String] = []

    init(layout: PolicySourceLayout, document: PolicyDocument) {
        self.layout = layout
        self.document = document
    }

    mutating func write(origins: [Int?]) -> String {
        lines = layout.header
        let names = layout.topKeys.map(\.name)
        if !names.contains("registry"), let registry = document.registry {
            lines.append("registry: " + YAMLQuoting.scalar(registry))
        }
        for key in layout.topKeys {
            switch key.name {
            case "registry":
                guard let registry = document.registry else { continue }
                if registry == layout.document.registry {
                    append(key.span)
                } else {
                    replace(key.span, with: ["registry: " + YAMLQuoting.scalar(registry)])
                }
            case "protect":
                guard !document.protect.isEmpty else { continue }
                if document.protect == layout.document.protect {
                    append(key.span)
                } else {
                    replace(
                        key.span,
                        with: PolicyWriter.listLines(
                            "protect", document.protect, indent: 0, blockListIndent: key.blockListIndent))
                }
            case "rules":
                if !names.contains("protect"), !document.protect.isEmpty {
                    lines.append("protect: " + PolicyWriter.flowList(document.protect))
                }
                writeRules(key, origins: origins)
            default:
                // `x-` keys (anchors for merge keys) and anything else a reader took: as they were.
                append(key.span)
            }
        }
        lines += layout.footer
        return lines.joined(separator: layout.lineBreak) + (layout.endsWithLineBreak ? layout.lineBreak : "")
    }

    private mutating func writeRules(_ key: PolicySourceLayout.Key, origins: [Int?]) {
        guard layout.rulesReusable else {
            lines += key.span.leading + ["rules:"]
            for rule in document.rules { lines += PolicyWriter.freshRule(rule, itemIndent: 2, keyIndent: 4) }
            return
        }
        append(key.span)
        let model = layout.rules.first { $0.reusable }
        let itemIndent = model?.itemIndent ?? 2
        let keyIndent = model?.keyIndent ?? 4
        for (index, rule) in document.rules.enumerated() {
            let origin = origins.indices.contains(index) ? origins[index] : nil
            guard let origin, layout.rules.indices.contains(origin), layout.document.rules.indices.contains(origin)
            else {
                lines += PolicyWriter.freshRule(rule, itemIndent: itemIndent, keyIndent: keyIndent)
                continue
            }
            let source = layout.rules[origin]
            lines += source.leading
            guard source.reusable else {
                lines += PolicyWriter.freshRule(rule, itemIndent: source.itemIndent, keyIndent: source.keyIndent)
                continue
            }
            lines += ruleLines(rule, source: source, before: layout.document.rules[origin])
        }
    }

    /// A rule over its old lines: unchanged keys as they were, changed ones anew with their comments,
    /// keys it did not have where its value now needs them.
    private func ruleLines(
        _ rule: PolicyDocument.Rule, source: PolicySourceLayout.Rule, before: PolicyDocument.Rule
    ) -> [String] {
        let allowed = rule.action == .keep ? PolicyFileParser.keepRuleKeys : PolicyFileParser.ruleKeys
        var result: [String] = []
        var first = true
        func add(_ keyLines: [String], leading: [String] = []) {
            guard !keyLines.isEmpty else { return }
            var keyLines = keyLines
            if first {
                keyLines[0] =
                    PolicyWriter.itemPrefix(itemIndent: source.itemIndent, keyIndent: source.keyIndent)
                    + keyLines[0].dropFirst(min(source.keyIndent, keyLines[0].prefix { $0 == " " || $0 == "-" }.count))
                first = false
            }
            result += leading + keyLines
        }
        let own = Set(source.keys.map(\.name))
        // Keys the rule did not have: needed when the value differs from what the rule had without
        // them (the default, or what a merge key gave it). Each goes after the last of the rule's
        // keys that comes before it in the usual order, so `action` lands under `name`.
        let added = PolicyWriter.ruleKeys.filter { key in
            guard !own.contains(key), allowed.contains(key), !PolicyWriter.sameValue(key, rule, before) else {
                return false
            }
            if key == "ago" && rule.ago == nil { return false }
            return !(key == "filters" && rule.filters.isEmpty && rule.action == .delete)
        }
        func order(_ key: String) -> Int { PolicyWriter.ruleKeys.firstIndex(of: key) ?? -1 }
        func anchor(_ key: String) -> Int {
            source.keys.lastIndex { order($0.name) >= 0 && order($0.name) < order(key) } ?? -1
        }
        func addNew(after index: Int) {
            for key in added where anchor(key) == index {
                add(PolicyWriter.keyLines(key, rule: rule, indent: source.keyIndent, blockListIndent: nil))
            }
        }
        addNew(after: -1)
        for (index, key) in source.keys.enumerated() {
            defer { addNew(after: index) }
            if key.name == "<<" || !PolicyFileParser.ruleKeys.contains(key.name) {
                add(key.span.lines, leading: key.span.leading)
                continue
            }
            guard allowed.contains(key.name) else { continue }
            if PolicyWriter.sameValue(key.name, rule, before) {
                add(key.span.lines, leading: key.span.leading)
                continue
            }
            var written = PolicyWriter.keyLines(
                key.name, rule: rule, indent: source.keyIndent, blockListIndent: key.blockListIndent)
            if key.span.lines.count == 1, let line = key.span.lines.first, written.count == 1 {
                written[0] += PolicySourceLayout.trailingComment(line)
            }
            add(written, leading: key.span.leading)
        }
        return result
    }

    private mutating func append(_ span: PolicySourceLayout.Span) {
        lines += span.leading + span.lines
    }

    /// A top-level key with a new value, keeping the comments above it and at the end of its line.
    private mutating func replace(_ span: PolicySourceLayout.Span, with newLines: [String]) {
        var newLines = newLines
        if span.lines.count == 1, let line = span.lines.first, newLines.count == 1 {
            newLines[0] += PolicySourceLayout.trailingComment(line)
        }
        lines += span.leading + newLines
    }
}
