import Foundation
import Purge

extension RetentionDraft {
    /// The draft checked rule by rule: the policy when everything is valid, else every problem
    /// found, each tied to its field (and rule) so the composer can show it where it is.
    public func validate() -> (retention: RetentionPolicy?, errors: [DraftError]) {
        guard isFile else {
            let validation = flags.validate()
            return (validation.policy.map { RetentionPolicy($0) }, validation.errors)
        }
        var errors = PolicyDraft.patternErrors(in: protect, field: .protect, flag: .protect)
        if rules.isEmpty {
            errors.append(DraftError(field: .rules, message: "a policy needs at least one rule: a adds one"))
        }
        var seen: [String: Int] = [:]
        for (index, rule) in rules.enumerated() {
            errors += Self.errors(of: rule, at: index, seen: &seen)
        }
        guard errors.isEmpty else { return (nil, errors) }
        do {
            return (try document(registry: nil).retention(), [])
        } catch {
            // Each field was checked above; this is what only the whole rule shows.
            return (
                nil, [DraftError(field: PolicyDraft.field(for: error.field), message: error.message, rule: selected)]
            )
        }
    }

    /// One rule's problems, in the words of a policy file (`ago`, not `--ago`).
    static func errors(of rule: RuleDraft, at index: Int, seen: inout [String: Int]) -> [DraftError] {
        var errors: [DraftError] = []
        let name = rule.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty {
            errors.append(DraftError(field: .name, message: "name the rule: every verdict names it", rule: index))
        } else if let first = seen[name] {
            errors.append(
                DraftError(
                    field: .name, message: "rule \(first + 1) is already named '\(name)': names must be unique",
                    rule: index))
        } else {
            seen[name] = index
        }
        let settings = rule.settings
        if rule.action == .keep {
            errors += PolicyDraft.patternErrors(in: settings.filters, field: .filters, flag: .filter)
            if settings.filterList.isEmpty && errors.allSatisfy({ $0.field != .filters }) {
                errors.append(
                    DraftError(field: .filters, message: "a keep rule keeps what its filters select: type one"))
            }
        } else {
            errors += settings.validate().errors.map { error in
                var error = error
                error.message = Self.fileWords(error.message)
                return error
            }
        }
        return errors.map { error in
            var error = error
            error.rule = index
            return error
        }
    }

    /// A flag's message as a policy file's: `--ago is required` reads `ago is required`.
    static func fileWords(_ message: String) -> String {
        var text = message
        for flag in ["--untagged-only", "--untagged", "--include-locked", "--ago", "--keep", "--filter"] {
            text = text.replacingOccurrences(of: flag, with: String(flag.dropFirst(2)))
        }
        return text
    }
}
