import Purge

/// The filter composer's contents as typed: raw text that may not be a valid policy (yet).
///
/// Several filters (or protect rules) share one field, separated by spaces: repository names and tags
/// cannot contain spaces, so a space never needs to be part of a pattern (`\s` still works).
public struct PolicyDraft: Sendable, Equatable {
    public var filters: String
    public var protect: String
    public var ago: String
    public var keep: String
    public var untagged: Bool
    public var untaggedOnly: Bool
    public var includeLocked: Bool

    public init(
        filters: [String] = [], ago: String? = nil, keep: Int = 0, untagged: Bool = false, untaggedOnly: Bool = false,
        includeLocked: Bool = false, protect: [String] = []
    ) {
        self.filters = filters.joined(separator: " ")
        self.protect = protect.joined(separator: " ")
        self.ago = ago ?? ""
        self.keep = keep == 0 ? "" : String(keep)
        self.untagged = untagged
        self.untaggedOnly = untaggedOnly
        self.includeLocked = includeLocked
    }

    /// The text of a text field (empty for switches).
    public func text(of field: ComposerField) -> String {
        switch field {
        case .filters: return filters
        case .protect: return protect
        case .ago: return ago
        case .keep: return keep
        default: return ""
        }
    }

    /// Replaces the text of a text field; switches are left alone.
    public mutating func setText(_ text: String, of field: ComposerField) {
        switch field {
        case .filters: filters = text
        case .protect: protect = text
        case .ago: ago = text
        case .keep: keep = text
        default: break
        }
    }

    /// The state of a switch (false for text fields).
    public func isOn(_ field: ComposerField) -> Bool {
        switch field {
        case .untagged: return untagged
        case .untaggedOnly: return untaggedOnly
        case .includeLocked: return includeLocked
        default: return false
        }
    }

    /// Flips a switch; text fields are left alone.
    public mutating func toggle(_ field: ComposerField) {
        switch field {
        case .untagged: untagged.toggle()
        case .untaggedOnly: untaggedOnly.toggle()
        case .includeLocked: includeLocked.toggle()
        default: break
        }
    }
}
