import RegistryClient

/// Delete or keep.
public enum Action: String, Sendable, Codable, Equatable {
    case delete
    case keep
}

/// Why a tag is deleted or kept. Every tag in view gets exactly one.
public enum TagReason: Sendable, Equatable, Hashable {
    /// Matched a filter and was old enough, outside the `--keep` budget.
    case matched(filter: String)
    /// Marked for deletion by hand in the browser.
    case markedByHand
    /// No filter matched it (or its repository).
    case notMatched
    /// Newer than the cutoff.
    case newerThanCutoff
    /// `--ago` is above zero and the tag's age is not known.
    case ageUnknown
    /// Among the N newest eligible tags of its repository (`--keep N`); rank counts from 1.
    case keptNewest(rank: Int, of: Int)
    case locked
    /// A `--protect` filter covers it.
    case protected(filter: String)
    /// Excluded from the plan by hand in the browser.
    case excludedByHand
    /// A keep rule of a policy file selects it.
    case keptByRule(rule: String)

    public var action: Action {
        switch self {
        case .matched, .markedByHand: return .delete
        default: return .keep
        }
    }

    /// A short label for columns.
    public var label: String {
        switch self {
        case .matched: return "delete"
        case .markedByHand: return "delete (marked)"
        case .notMatched: return "not matched"
        case .newerThanCutoff: return "too new"
        case .ageUnknown: return "age unknown"
        case .keptNewest: return "kept (--keep)"
        case .locked: return "locked"
        case .protected: return "protected"
        case .excludedByHand: return "excluded"
        case .keptByRule: return "kept (rule)"
        }
    }

    /// The reason in words.
    public var explanation: String {
        switch self {
        case .matched(let filter): return "deleted: matches \(filter) and is old enough"
        case .markedByHand: return "deleted: marked by hand"
        case .notMatched: return "kept: no filter matches it"
        case .newerThanCutoff: return "kept: newer than the --ago cutoff"
        case .ageUnknown: return "kept: its age is unknown and --ago is above zero"
        case .keptNewest(let rank, let of): return "kept: number \(rank) of the \(of) newest matching tags (--keep)"
        case .locked: return "kept: locked (add --include-locked to delete)"
        case .protected(let filter): return "kept: protected by --protect \(filter)"
        case .excludedByHand: return "kept: excluded by hand"
        case .keptByRule(let rule): return "kept by rule '\(rule)'"
        }
    }
}

/// Why a manifest is deleted or kept.
public enum ManifestReason: Sendable, Equatable, Hashable {
    /// No tag points to it once the planned tags are gone (`--untagged`).
    case untagged
    /// It refers to a manifest that is being deleted (signature, SBOM, attestation).
    case subjectDeleted(subject: Digest)
    /// A child of an index that is being deleted, used by nothing that stays.
    case childOfDeletedIndex(index: Digest)
    /// Kept tags still point to it.
    case stillTagged(tags: [String])
    /// A child (at any depth) of a kept index.
    case childOfKeptIndex(index: Digest)
    /// It refers to a manifest that is kept.
    case referrerOfKept(subject: Digest)
    /// Its tags go but `--untagged` is off, so it stays as an untagged manifest.
    case untaggedNotRequested
    /// Its repository is not selected, or it is not in the purge's scope.
    case notMatched
    /// Among the N newest untagged manifests (`--untagged-only --keep N`).
    case keptNewest(rank: Int, of: Int)
    case locked
    /// Untagged before the purge (listed by a vendor API) and not older than the cutoff.
    case newerThanCutoff
    /// A referrer whose subject is not in view: nothing says it is stale.
    case subjectNotInView(subject: Digest)
    /// Excluded by hand in the browser.
    case excludedByHand

    public var action: Action {
        switch self {
        case .untagged, .subjectDeleted, .childOfDeletedIndex: return .delete
        default: return .keep
        }
    }

    public var label: String {
        switch self {
        case .untagged: return "delete"
        case .subjectDeleted: return "delete (referrer)"
        case .childOfDeletedIndex: return "delete (child)"
        case .stillTagged: return "tagged"
        case .childOfKeptIndex: return "child of kept"
        case .referrerOfKept: return "referrer of kept"
        case .untaggedNotRequested: return "left untagged"
        case .notMatched: return "not matched"
        case .keptNewest: return "kept (--keep)"
        case .locked: return "locked"
        case .newerThanCutoff: return "too new"
        case .subjectNotInView: return "subject unknown"
        case .excludedByHand: return "excluded"
        }
    }

    public var explanation: String {
        switch self {
        case .untagged: return "deleted: no tag points to it once the planned tags are gone"
        case .subjectDeleted(let subject): return "deleted: refers to \(subject.short), which is deleted"
        case .childOfDeletedIndex(let index): return "deleted: child of index \(index.short), which is deleted"
        case .stillTagged(let tags): return "kept: still tagged \(tags.joined(separator: ", "))"
        case .childOfKeptIndex(let index): return "kept: child of kept index \(index.short)"
        case .referrerOfKept(let subject): return "kept: refers to kept manifest \(subject.short)"
        case .untaggedNotRequested: return "kept: its tags go, but without --untagged the manifest stays"
        case .notMatched: return "kept: not in the purge's scope"
        case .keptNewest(let rank, let of):
            return "kept: number \(rank) of the \(of) newest untagged manifests (--keep)"
        case .locked: return "kept: locked (add --include-locked to delete)"
        case .newerThanCutoff: return "kept: untagged, but newer than the --ago cutoff"
        case .subjectNotInView(let subject): return "kept: refers to \(subject.short), which is not in view"
        case .excludedByHand: return "kept: excluded by hand"
        }
    }
}

/// The verdict on one tag.
public struct TagVerdict: Sendable, Equatable {
    public var tag: String
    public var digest: Digest
    public var time: TagTime
    public var reason: TagReason
    /// The policy-file rule that decided it; nil for the flags' one rule, protected tags and tags
    /// no rule selects.
    public var rule: String? = nil
    public var action: Action { reason.action }
}

/// The verdict on one manifest.
public struct ManifestVerdict: Sendable, Equatable {
    public var digest: Digest
    public var kind: ManifestKind
    public var isReferrer: Bool
    /// The ordinary tags pointing to it before the purge.
    public var tags: [String]
    public var reason: ManifestReason
    /// The policy-file rule behind the verdict: the one that deletes it, spares it (`keep`), or
    /// leaves it untagged (no `untagged`); nil otherwise and for the flags' one rule.
    public var rule: String? = nil
    public var action: Action { reason.action }
}
