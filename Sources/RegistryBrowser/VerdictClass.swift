import Purge

/// The kinds of verdict the browser colours differently. Each has a colour, an attribute and a glyph,
/// so that every kind stays distinguishable without colour (`NO_COLOR`, monochrome terminals).
public enum VerdictClass: Sendable, CaseIterable, Hashable {
    /// To be deleted (matched, marked by hand, a referrer or child of something deleted).
    case delete
    /// Kept by `--keep`.
    case keptByKeep
    /// Kept by `--protect`.
    case protected
    /// Newer than the `--ago` cutoff.
    case tooNew
    /// Kept because its age is unknown.
    case ageUnknown
    case locked
    /// Kept by hand.
    case excluded
    /// Kept because something still uses it (a tag, a kept index, a kept subject).
    case inUse
    /// No filter selects it.
    case notMatched

    public init(_ reason: TagReason) {
        switch reason {
        case .matched, .markedByHand: self = .delete
        case .keptNewest: self = .keptByKeep
        // A policy file's keep rule shields its tags as protect does.
        case .protected, .keptByRule: self = .protected
        case .newerThanCutoff: self = .tooNew
        case .ageUnknown: self = .ageUnknown
        case .locked: self = .locked
        case .excludedByHand: self = .excluded
        case .notMatched: self = .notMatched
        }
    }

    public init(_ reason: ManifestReason) {
        switch reason {
        case .untagged, .subjectDeleted, .childOfDeletedIndex: self = .delete
        case .keptNewest: self = .keptByKeep
        case .locked: self = .locked
        case .newerThanCutoff: self = .tooNew
        case .excludedByHand: self = .excluded
        case .notMatched: self = .notMatched
        case .subjectNotInView: self = .ageUnknown
        case .stillTagged, .childOfKeptIndex, .referrerOfKept, .untaggedNotRequested: self = .inUse
        }
    }

    /// A one-column symbol in front of each row.
    public func glyph(unicode: Bool) -> String {
        switch self {
        case .delete: return unicode ? "✗" : "x"
        case .keptByKeep: return unicode ? "◆" : "K"
        case .protected: return unicode ? "■" : "P"
        case .tooNew: return unicode ? "○" : "N"
        case .ageUnknown: return "?"
        case .locked: return "L"
        case .excluded: return unicode ? "−" : "-"
        case .inUse: return unicode ? "✓" : "="
        case .notMatched: return unicode ? "·" : "."
        }
    }

    /// The legend word, for the help overlay.
    public var name: String {
        switch self {
        case .delete: return "to be deleted"
        case .keptByKeep: return "kept by --keep"
        case .protected: return "protected"
        case .tooNew: return "too new"
        case .ageUnknown: return "age unknown"
        case .locked: return "locked"
        case .excluded: return "excluded by hand"
        case .inUse: return "still in use"
        case .notMatched: return "not matched"
        }
    }
}
