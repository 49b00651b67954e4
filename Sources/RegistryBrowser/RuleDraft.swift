import Foundation
import Purge

/// One rule of a policy being edited: its name, whether it keeps or deletes, and its settings as
/// typed (which need not be valid yet).
public struct RuleDraft: Sendable, Equatable {
    public var name: String
    public var action: Action
    /// The rule's filters, ago, keep and switches as typed; its `protect` is unused, since
    /// protection belongs to the whole policy.
    public var settings: PolicyDraft
    /// The index of the file's rule this one was edited from, so that writing back keeps that
    /// rule's lines and comments even after a rename or a move; nil for a rule added here.
    public var origin: Int?

    public init(name: String, action: Action = .delete, settings: PolicyDraft, origin: Int? = nil) {
        self.name = name
        self.action = action
        var settings = settings
        settings.protect = ""
        self.settings = settings
        self.origin = origin
    }

    /// The rule as the file states it (filters split at spaces, blank ago left out).
    var written: PolicyDocument.Rule {
        let ago = settings.ago.trimmingCharacters(in: .whitespaces)
        return PolicyDocument.Rule(
            name: name.trimmingCharacters(in: .whitespaces), action: action, filters: settings.filterList,
            ago: action == .keep || ago.isEmpty ? nil : ago,
            keep: action == .keep ? 0 : Int(settings.keep.trimmingCharacters(in: .whitespaces)) ?? 0,
            untagged: action == .delete && settings.untagged, untaggedOnly: action == .delete && settings.untaggedOnly,
            includeLocked: action == .delete && settings.includeLocked)
    }
}
