/// Verdicts in the words of a policy file: the rule that decided, and its keys rather than flags.
extension TagReason {
    /// The reason in words, naming `rule` when a policy-file rule decided it; without one this is
    /// `explanation`, word for word, so the flags' output never changes. `namesRules` says the plan
    /// came from a file, where a tag no rule selects is said to be so.
    public func explanation(rule: String?, namesRules: Bool = false) -> String {
        guard let rule else {
            guard namesRules else { return explanation }
            switch self {
            case .notMatched: return "kept: no rule selects it"
            case .protected(let filter): return "kept: protected by the policy's protect \(filter)"
            default: return explanation
            }
        }
        switch self {
        case .matched(let filter): return "deleted by rule '\(rule)': matches \(filter) and is old enough"
        case .newerThanCutoff: return "kept by rule '\(rule)': newer than its ago cutoff"
        case .ageUnknown: return "kept by rule '\(rule)': its age is unknown and its ago is above zero"
        case .keptNewest(let rank, let of):
            return "kept by rule '\(rule)': number \(rank) of the \(of) newest tags it would delete (its keep)"
        case .keptByRule(let name): return "kept by rule '\(name)'"
        default: return explanation
        }
    }
}

extension ManifestReason {
    /// The reason in words, naming `rule` when a policy-file rule is behind it; without one this is
    /// `explanation`, word for word.
    public func explanation(rule: String?) -> String {
        guard let rule else { return explanation }
        switch self {
        case .untaggedNotRequested:
            return "kept: its tags go, but rule '\(rule)' removed one of them without untagged: true"
        case .keptNewest(let rank, let of):
            return "kept by rule '\(rule)': number \(rank) of the \(of) newest untagged manifests (its keep)"
        default:
            let text = explanation
            // "deleted: why" reads "deleted by rule 'ci': why".
            for verb in ["deleted", "kept"] where text.hasPrefix(verb + ": ") {
                return "\(verb) by rule '\(rule)': " + text.dropFirst(verb.count + 2)
            }
            return text
        }
    }
}

extension TagVerdict {
    /// The verdict in words, with its rule.
    public func explanation(namesRules: Bool) -> String {
        reason.explanation(rule: rule, namesRules: namesRules)
    }
}

extension ManifestVerdict {
    /// The verdict in words, with its rule.
    public var explanation: String { reason.explanation(rule: rule) }
}
