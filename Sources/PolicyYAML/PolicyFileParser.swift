import Purge
import Yams

/// Reads a policy file's YAML into a `RetentionPolicy`, collecting every problem at its line and
/// column. Walks Yams' node tree rather than decoding into `Codable` types: nodes carry their
/// marks, so each message can point at the key or character it is about, and unknown keys are
/// seen instead of skipped.
struct PolicyFileParser {
    struct Parsed {
        var registry: String?
        var retention: RetentionPolicy
        var document: PolicyDocument
        var ruleLines: [Int]
    }

    static let topKeys = ["registry", "protect", "rules"]
    static let ruleKeys = ["name", "action", "filters", "ago", "keep", "untagged", "untagged-only", "include-locked"]
    /// What a keep rule takes: it only selects.
    static let keepRuleKeys = ["name", "action", "filters"]

    static let example = "e.g. rules: [{name: ci, filters: ['ci-.*:.*'], ago: 14d}]"

    let text: String
    private let lines: [String]
    private(set) var problems: [PolicyFileError.Problem] = []

    init(text: String) {
        self.text = text
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
    }

    /// The parsed file, or nil when there were problems (then in `problems`, in file order).
    mutating func parse() -> Parsed? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            syntaxProblem(error)
            return nil
        }
        guard let root else {
            report(line: 1, column: 1, "the file is empty: a policy needs a rules: list, \(Self.example)")
            return nil
        }
        guard case .mapping(let mapping) = root else {
            report(at: root, "the top level must be keys (registry, protect, rules), not \(describe(root))")
            return nil
        }
        var registry: String?
        var protect: [PurgeFilter] = []
        var rules: [RetentionRule] = []
        var documentRules: [PolicyDocument.Rule] = []
        var ruleLines: [Int] = []
        var sawRules = false
        for entry in entries(of: mapping, allowed: Self.topKeys, in: "the top level", extensions: true) {
            switch entry.key {
            case "registry":
                registry = string(entry.value, key: "registry", in: "the policy")
                if registry?.isEmpty == true {
                    report(at: entry.value, "registry is empty: give HOST[:PORT] (or leave the key out and use -r)")
                }
            case "protect":
                protect = filters(entry.value, key: "protect", field: .protect, in: "the policy").compactMap { $0 }
            case "rules":
                sawRules = true
                (rules, documentRules, ruleLines) = parseRules(entry.value)
            default: break
            }
        }
        if !sawRules { report(at: root, "the policy has no 'rules' key: add a rules: list, \(Self.example)") }
        problems.sort { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) }
        guard problems.isEmpty else { return nil }
        return Parsed(
            registry: registry, retention: RetentionPolicy(protect: protect, rules: rules),
            document: PolicyDocument(registry: registry, protect: protect.map(\.text), rules: documentRules),
            ruleLines: ruleLines)
    }

    // MARK: Rules

    private mutating func parseRules(_ node: Node) -> ([RetentionRule], [PolicyDocument.Rule], [Int]) {
        guard case .sequence(let sequence) = node else {
            report(at: node, "rules must be a list, each rule starting with '- name:', not \(describe(node))")
            return ([], [], [])
        }
        guard !sequence.isEmpty else {
            report(at: node, "rules is empty: add at least one rule (a policy without rules would do nothing)")
            return ([], [], [])
        }
        var rules: [RetentionRule] = []
        var texts: [PolicyDocument.Rule] = []
        var lines: [Int] = []
        var firstUse: [String: Int] = [:]
        for (index, item) in sequence.enumerated() {
            guard case .mapping(let written) = item else {
                report(at: item, "rule \(index + 1) must be keys (name, filters, ago, …), not \(describe(item))")
                continue
            }
            let mapping = Self.merged(written)
            let line = mapping.mark?.line ?? 1
            // Names are compared even when a rule has other problems, so one run reports both.
            if let nameNode = mapping.first(where: { $0.key.scalar?.string == "name" })?.value,
                case .scalar(let scalar) = nameNode, Self.tagName(of: nameNode) != .null
            {
                if let first = firstUse[scalar.string] {
                    report(
                        at: nameNode,
                        "rule name '\(scalar.string)' is already used by the rule at line \(first): names must be "
                            + "unique, every verdict names its rule")
                } else {
                    firstUse[scalar.string] = line
                }
            }
            guard let (rule, text) = parseRule(mapping, number: index + 1) else { continue }
            rules.append(rule)
            texts.append(text)
            lines.append(line)
        }
        return (rules, texts, lines)
    }

    /// One rule, compiled and as written; nil when it has problems.
    private mutating func parseRule(
        _ mapping: Node.Mapping, number: Int
    ) -> (RetentionRule, PolicyDocument.Rule)? {
        let before = problems.count
        // Read the name first so that every other message can say which rule it is about.
        let nameEntry = mapping.first { $0.key.scalar?.string == "name" }
        var name: String?
        if let nameEntry {
            name = string(nameEntry.value, key: "name", in: "rule \(number)")
            if name?.isEmpty == true { report(at: nameEntry.value, "rule \(number) has an empty name: name it") }
        }
        let label = name.map { "rule '\($0)'" } ?? "rule \(number)"
        var action = Action.delete
        // Compiled as they are read; a bad one is reported and leaves the rule unbuilt.
        var compiledFilters: [PurgeFilter] = []
        // nil: no filters key; an empty list is reported at the list itself.
        var filtersNode: Node?
        var ago: String?
        var keep = 0
        var untagged = false
        var untaggedOnly = false
        var includeLocked = false
        var keyNodes: [String: Node] = [:]
        for entry in entries(of: mapping, allowed: Self.ruleKeys, in: label) {
            keyNodes[entry.key] = entry.keyNode
            switch entry.key {
            case "action":
                guard let text = string(entry.value, key: "action", in: label) else { continue }
                guard let value = Action(rawValue: text) else {
                    report(at: entry.value, "\(label): action must be keep or delete (got '\(text)')")
                    continue
                }
                action = value
            case "filters":
                compiledFilters = filters(entry.value, key: "filters", field: .filter, in: label).compactMap { $0 }
                filtersNode = entry.value
            case "ago":
                guard let text = string(entry.value, key: "ago", in: label) else { continue }
                do {
                    _ = try AgoDuration.parse(text, named: "ago")
                    ago = text
                } catch {
                    report(at: entry.value, valueColumn: error.column, "\(label): \(error.message)")
                }
            case "keep":
                if let value = integer(entry.value, key: "keep", in: label) { keep = value }
            case "untagged": untagged = boolean(entry.value, key: "untagged", in: label) ?? false
            case "untagged-only": untaggedOnly = boolean(entry.value, key: "untagged-only", in: label) ?? false
            case "include-locked": includeLocked = boolean(entry.value, key: "include-locked", in: label) ?? false
            default: break
            }
        }
        let ruleNode = Node.mapping(mapping)
        if nameEntry == nil {
            report(
                at: ruleNode, "rule \(number) has no name: add name: … (every verdict names the rule that decided it)")
        }
        let needsFilters = action == .keep || !untaggedOnly
        if needsFilters, let filtersNode, case .sequence(let list) = filtersNode, list.isEmpty {
            report(at: filtersNode, "\(label): filters is empty: add at least one 'REPO-REGEX:TAG-REGEX'")
        } else if needsFilters, filtersNode == nil {
            let alternative = action == .keep ? "" : " (or untagged-only: true to delete only untagged manifests)"
            report(at: ruleNode, "\(label) has no filters: add filters: ['REPO-REGEX:TAG-REGEX']\(alternative)")
        }
        if action == .keep {
            for key in Self.ruleKeys where !Self.keepRuleKeys.contains(key) {
                guard let node = keyNodes[key] else { continue }
                report(
                    at: node,
                    "\(label): \(key) has no meaning in a keep rule, which keeps every tag its filters select: "
                        + "remove it, or make this a delete rule")
            }
        } else {
            if untagged && untaggedOnly, let node = keyNodes["untagged-only"] {
                report(at: node, "\(label): untagged and untagged-only exclude each other: pick one")
            }
            if !untaggedOnly, keyNodes["ago"] == nil {
                report(at: ruleNode, "\(label) has no ago: add ago: 14d, say (ago: 0d ignores age)")
            }
        }
        guard problems.count == before, let name else { return nil }
        let text = PolicyDocument.Rule(
            name: name, action: action, filters: compiledFilters.map(\.text), ago: ago, keep: keep, untagged: untagged,
            untaggedOnly: untaggedOnly, includeLocked: includeLocked)
        if action == .keep { return (RetentionRule.keep(name, filters: compiledFilters), text) }
        do {
            // The flags' own validation builds the rule, so a file accepts exactly what `purge` does.
            let policy = try PurgePolicy.parse(
                filters: compiledFilters.map(\.text), ago: ago, keep: keep, untagged: untagged,
                untaggedOnly: untaggedOnly,
                includeLocked: includeLocked)
            return (RetentionRule(name: name, policy: policy), text)
        } catch {
            report(at: ruleNode, "\(label): \(error.message)")
            return nil
        }
    }

    // MARK: Values

    /// A list of `REPO:TAG` filters, each checked as `--filter` checks it; nil entries had problems.
    private mutating func filters(
        _ node: Node, key: String, field: PurgeError.Field, in context: String
    ) -> [PurgeFilter?] {
        guard case .sequence(let sequence) = node else {
            if case .scalar(let scalar) = node, Self.tagName(of: node) != .null {
                report(at: node, "\(context): \(key) must be a list, e.g. \(key): ['\(scalar.string)']")
            } else {
                report(at: node, "\(context): \(key) must be a list of 'REPO-REGEX:TAG-REGEX', not \(describe(node))")
            }
            return []
        }
        var result: [PurgeFilter?] = []
        for item in sequence {
            guard case .scalar(let scalar) = item, Self.tagName(of: item) != .null else {
                report(
                    at: item,
                    "\(context): each \(key) entry must be a 'REPO-REGEX:TAG-REGEX' text, not \(describe(item))")
                result.append(nil)
                continue
            }
            do throws(PurgeError) {
                result.append(
                    try PurgeFilter(scalar.string, field: field, named: key == "protect" ? "protect" : "filter"))
            } catch {
                report(at: item, valueColumn: error.column, "\(context): \(error.message)")
                result.append(nil)
            }
        }
        return result
    }

    private mutating func string(_ node: Node, key: String, in context: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(at: node, "\(context): \(key) must be a single value, not \(describe(node))")
            return nil
        }
        guard Self.tagName(of: node) != .null else {
            report(at: node, "\(context): \(key) has no value: write one after '\(key): '")
            return nil
        }
        return scalar.string
    }

    private mutating func boolean(_ node: Node, key: String, in context: String) -> Bool? {
        guard case .scalar = node, Self.tagName(of: node) == .bool, let value = node.bool else {
            report(at: node, "\(context): \(key) must be true or false, not \(describe(node))")
            return nil
        }
        return value
    }

    private mutating func integer(_ node: Node, key: String, in context: String) -> Int? {
        guard case .scalar = node, Self.tagName(of: node) == .int, let value = node.int else {
            report(at: node, "\(context): \(key) must be a whole number such as 10, not \(describe(node))")
            return nil
        }
        guard value >= 0 else {
            report(at: node, "\(context): \(key) must be 0 or more (got \(value))")
            return nil
        }
        return value
    }

    // MARK: Keys

    private struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    /// The mapping's entries with known keys; unknown, repeated and non-text keys are reported.
    /// With `extensions`, keys starting with `x-` are passed over: the place for YAML anchors that
    /// rules merge (`x-defaults: &ci {ago: 14d}` … `<<: *ci`), as Compose files have it.
    private mutating func entries(
        of mapping: Node.Mapping, allowed: [String], in context: String, extensions: Bool = false
    ) -> [Entry] {
        var result: [Entry] = []
        var seen: [String: Int] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                report(at: keyNode, "\(context): keys must be words such as \(allowed[0]), not \(describe(keyNode))")
                continue
            }
            let key = scalar.string
            if extensions, key.hasPrefix("x-") { continue }
            if let line = seen[key] {
                report(at: keyNode, "\(context): \(key) is given twice (also at line \(line)): keep one")
                continue
            }
            seen[key] = scalar.mark?.line ?? 0
            guard allowed.contains(key) else {
                let guess = Self.suggestion(for: key, among: allowed).map { "did you mean \($0)? " } ?? ""
                report(
                    at: keyNode,
                    "\(context): unknown key '\(key)'; \(guess)known keys: \(allowed.joined(separator: ", "))")
                continue
            }
            result.append(Entry(key: key, keyNode: keyNode, value: value))
        }
        return result
    }

    /// The mapping with YAML merge keys applied (`<<: *defaults`, or a list of aliases): the merged
    /// mappings' entries first, each key once (an earlier source wins, as YAML says), and the
    /// mapping's own entries win over all of them. Merged entries keep their positions, so a problem
    /// in one points at the anchor it came from. A `<<` whose value is not a mapping stays, and is
    /// reported as an unknown key.
    static func merged(_ mapping: Node.Mapping) -> Node.Mapping {
        func isMerge(_ node: Node) -> Bool { node.scalar?.string == "<<" }
        guard mapping.contains(where: { isMerge($0.key) }) else { return mapping }
        var own: [(Node, Node)] = []
        var merges: [[Node.Mapping]] = []
        for (key, value) in mapping {
            guard isMerge(key) else {
                own.append((key, value))
                continue
            }
            let sources = value.sequence.map { Array($0) } ?? [value]
            let mappings = sources.compactMap { source -> Node.Mapping? in
                if case .mapping(let inner) = source { return inner }
                return nil
            }
            if mappings.count == sources.count { merges.append(mappings) } else { own.append((key, value)) }
        }
        var taken = Set(own.compactMap { $0.0.scalar?.string })
        var inherited: [(Node, Node)] = []
        for source in merges.joined() {
            for (key, value) in merged(source) {
                guard let name = key.scalar?.string, taken.insert(name).inserted else { continue }
                inherited.append((key, value))
            }
        }
        return Node.Mapping(inherited + own, mapping.tag, mapping.style, mapping.mark)
    }

    /// The known key a typo most likely meant: same letters but `_` for `-` or other case, or at
    /// most two edits away.
    static func suggestion(for key: String, among allowed: [String]) -> String? {
        let normal = key.lowercased().replacingOccurrences(of: "_", with: "-")
        if let exact = allowed.first(where: { $0 == normal }) { return exact }
        let scored = allowed.map { ($0, editDistance(normal, $0)) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: Problems

    private mutating func report(line: Int, column: Int, _ message: String) {
        problems.append(PolicyFileError.Problem(line: line, column: column, message: message))
    }

    /// A problem at a node; `valueColumn` (1-based, in the value) moves it onto that character.
    private mutating func report(at node: Node, valueColumn: Int? = nil, _ message: String) {
        let mark = node.mark
        let line = mark?.line ?? 1
        var column = mark?.column ?? 1
        if let valueColumn, case .scalar(let scalar) = node {
            column = ScalarPosition.column(of: valueColumn, in: scalar, sourceLine: lines[safe: line - 1])
        }
        report(line: line, column: column, message)
    }

    /// A YAML syntax error, at the mark libyaml gives. A mark past the end of the text (an
    /// unclosed bracket or quote found only at the end) moves to where the unclosed construct
    /// began, which is where the fix goes.
    private mutating func syntaxProblem(_ error: any Error) {
        let hint = "check the indentation, and quote values that hold ': ', ' #' or start with [ { * & ! |"
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " \($0.text) that starts at \($0.mark.line):\($0.mark.column)" } ?? ""
            let position = isPastTheEnd(mark) ? context?.mark ?? mark : mark
            let (line, column) = clamped(line: position.line, column: position.column)
            report(line: line, column: column, "YAML syntax: \(problem)\(detail); \(hint)")
        case .reader(let problem, _, _, _):
            report(line: 1, column: 1, "the file cannot be read as YAML: \(problem); save it as UTF-8 text")
        default:
            report(line: 1, column: 1, "the file cannot be read as YAML (\(error)); \(hint)")
        }
    }

    private func isPastTheEnd(_ mark: Mark) -> Bool {
        mark.line > lines.count || (mark.line == lines.count && mark.column > (lines.last?.count ?? 0) + 1)
    }

    /// A position inside the text: at most the last line, at most one past a line's last character.
    private func clamped(line: Int, column: Int) -> (Int, Int) {
        let line = min(max(line, 1), max(lines.count, 1))
        let width = lines.indices.contains(line - 1) ? lines[line - 1].count : 0
        return (line, min(max(column, 1), width + 1))
    }

    /// The node's resolved type (`str`, `int`, `bool`, `null`, …): plain `10` is a number, `'10'` text.
    private static func tagName(of node: Node) -> Tag.Name { Resolver.default.resolveTag(of: node) }

    /// What a node is, for messages: `the text 'x'`, `a list`, `keys`.
    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            return Self.tagName(of: node) == .null ? "an empty value" : "'\(scalar.string)'"
        case .sequence: return "a list"
        case .mapping: return "keys (a mapping)"
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
