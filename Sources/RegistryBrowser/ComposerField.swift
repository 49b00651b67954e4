/// A field of the filter composer. `RetentionDraft.fields` gives the order tab visits them in.
public enum ComposerField: Int, Sendable, CaseIterable, Hashable {
    /// A policy file's list of rules: which one the other fields edit, and its place in the order.
    case rules
    /// A policy file rule's name.
    case name
    /// A policy file rule's action: keep or delete.
    case action
    case filters
    case protect
    case ago
    case keep
    case untagged
    case untaggedOnly
    case includeLocked

    /// The label shown in front of the field; also the flag it stands for.
    public var label: String {
        switch self {
        case .rules: return "rules"
        case .name: return "name"
        case .action: return "action"
        case .filters: return "filter"
        case .protect: return "protect"
        case .ago: return "ago"
        case .keep: return "keep"
        case .untagged: return "untagged"
        case .untaggedOnly: return "untagged-only"
        case .includeLocked: return "include-locked"
        }
    }

    /// Whether the field is an on/off switch rather than text.
    public var isToggle: Bool {
        switch self {
        case .action, .untagged, .untaggedOnly, .includeLocked: return true
        default: return false
        }
    }

    /// Whether the field holds typed text (the rule list holds neither text nor a switch).
    public var isText: Bool { !isToggle && self != .rules }
}
