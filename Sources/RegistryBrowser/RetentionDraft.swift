import Purge

/// The composer's contents: the protect filters and the rules, as typed.
///
/// Started from `purge`'s flags it holds one unnamed delete rule, and edits exactly what the flags
/// say. Started from a policy file (`browse --policy FILE`) it holds the file's rules, one of them
/// selected for editing, and can add, remove and reorder them.
public struct RetentionDraft: Sendable, Equatable {
    /// The protect filters, space-separated, as typed.
    public var protect: String
    public var rules: [RuleDraft]
    /// The rule the composer's fields edit.
    public var selected: Int
    /// Whether the draft is a policy file's: named rules, several of them, written back with `w`.
    public let isFile: Bool

    /// The flags' draft: one unnamed delete rule.
    public init(_ flags: PolicyDraft = PolicyDraft()) {
        protect = flags.protect
        rules = [RuleDraft(name: "", settings: flags)]
        selected = 0
        isFile = false
    }

    /// A policy file's rules, each remembering which rule of the file it is.
    public init(document: PolicyDocument) {
        protect = document.protect.joined(separator: " ")
        rules = document.rules.enumerated().map { index, rule in
            RuleDraft(
                name: rule.name, action: rule.action,
                settings: PolicyDraft(
                    filters: rule.filters, ago: rule.ago, keep: rule.keep, untagged: rule.untagged,
                    untaggedOnly: rule.untaggedOnly, includeLocked: rule.includeLocked),
                origin: index)
        }
        selected = 0
        isFile = true
    }

    /// The selected rule (an empty one when a file's draft has no rules left).
    public var rule: RuleDraft {
        get { rules.indices.contains(selected) ? rules[selected] : RuleDraft(name: "", settings: PolicyDraft()) }
        set { if rules.indices.contains(selected) { rules[selected] = newValue } }
    }

    /// The selected rule with the policy's protect filters: what `purge`'s flags would say.
    public var flags: PolicyDraft {
        var draft = rule.settings
        draft.protect = protect
        return draft
    }

    /// Whether nothing was given yet (the browser opened without policy flags).
    public var isEmpty: Bool { !isFile && flags == PolicyDraft() }

    /// The policy as its file would state it.
    public func document(registry: String?) -> PolicyDocument {
        PolicyDocument(registry: registry, protect: PolicyDraft.words(protect), rules: rules.map(\.written))
    }

    /// For each rule, the file's rule it was edited from.
    public var origins: [Int?] { rules.map(\.origin) }

    // MARK: Fields

    /// The text of a text field of the selected rule (or the policy's protect).
    public func text(of field: ComposerField) -> String {
        switch field {
        case .protect: return protect
        case .name: return rule.name
        default: return rule.settings.text(of: field)
        }
    }

    public mutating func setText(_ text: String, of field: ComposerField) {
        switch field {
        case .protect: protect = text
        case .name: rule.name = text
        default: rule.settings.setText(text, of: field)
        }
    }

    /// The state of a switch; for `action`, whether the rule keeps.
    public func isOn(_ field: ComposerField) -> Bool {
        field == .action ? rule.action == .keep : rule.settings.isOn(field)
    }

    public mutating func toggle(_ field: ComposerField) {
        if field == .action {
            rule.action = rule.action == .keep ? .delete : .keep
        } else {
            rule.settings.toggle(field)
        }
    }

    /// The fields tab visits, in order: a file's draft adds the rule list, name and action, and a
    /// keep rule has no ago, keep or switches.
    public var fields: [ComposerField] {
        guard isFile else { return [.filters, .protect, .ago, .keep, .untagged, .untaggedOnly, .includeLocked] }
        let settings: [ComposerField] =
            rule.action == .keep ? [.filters] : [.filters, .ago, .keep, .untagged, .untaggedOnly, .includeLocked]
        return [.rules, .name, .action] + settings + [.protect]
    }

    /// The field after (or before) `field` in tab order, wrapping around.
    public func field(after field: ComposerField, forward: Bool = true) -> ComposerField {
        let fields = self.fields
        guard let index = fields.firstIndex(of: field) else { return fields.first ?? .filters }
        return fields[(index + (forward ? 1 : fields.count - 1)) % fields.count]
    }

    // MARK: The rule list

    /// Adds a delete rule after the selected one and selects it. It starts with `ago: 30d` and no
    /// filters, so the composer asks for the one thing it needs.
    public mutating func addRule() {
        let index = rules.isEmpty ? 0 : selected + 1
        // Named by its place, `rule-2` for the second, unless that name is taken.
        var number = index + 1
        while rules.contains(where: { $0.name == "rule-\(number)" }) { number += 1 }
        let rule = RuleDraft(name: "rule-\(number)", settings: PolicyDraft(ago: "30d"))
        rules.insert(rule, at: index)
        selected = index
    }

    /// Removes the selected rule; the one after it (or before, at the end) is selected.
    public mutating func removeRule() {
        guard rules.indices.contains(selected) else { return }
        rules.remove(at: selected)
        selected = max(0, min(selected, rules.count - 1))
    }

    /// Moves the selected rule one place earlier (`by: -1`) or later: rule order decides.
    public mutating func moveRule(by offset: Int) {
        let target = selected + offset
        guard rules.indices.contains(selected), rules.indices.contains(target) else { return }
        rules.swapAt(selected, target)
        selected = target
    }

    /// Selects the previous or next rule, stopping at the ends.
    public mutating func select(by offset: Int) {
        guard !rules.isEmpty else { return }
        selected = max(0, min(selected + offset, rules.count - 1))
    }
}
