/// A field of the filter composer, in the order tab visits them.
public enum ComposerField: Int, Sendable, CaseIterable, Hashable {
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
        case .untagged, .untaggedOnly, .includeLocked: return true
        default: return false
        }
    }

    /// The next field, wrapping around.
    var next: ComposerField {
        ComposerField(rawValue: (rawValue + 1) % Self.allCases.count) ?? .filters
    }

    /// The previous field, wrapping around.
    var previous: ComposerField {
        ComposerField(rawValue: (rawValue + Self.allCases.count - 1) % Self.allCases.count) ?? .filters
    }
}
