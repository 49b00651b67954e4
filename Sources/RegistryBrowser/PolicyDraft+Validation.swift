import Purge

extension PolicyDraft {
    /// The draft checked field by field: the policy when everything is valid, else every problem found,
    /// each tied to its field and column so the composer can show it where it is.
    public func validate() -> (policy: PurgePolicy?, errors: [DraftError]) {
        var errors: [DraftError] = []
        errors += Self.patternErrors(in: filters, field: .filters, flag: .filter)
        errors += Self.patternErrors(in: protect, field: .protect, flag: .protect)
        let agoText = ago.trimmingCharacters(in: .whitespaces)
        if agoText.isEmpty {
            if !untaggedOnly {
                errors.append(DraftError(field: .ago, message: "--ago is required: 0d ignores age, 30d keeps a month"))
            }
        } else {
            do {
                _ = try AgoDuration.parse(agoText)
            } catch {
                errors.append(DraftError(field: .ago, message: error.message, column: error.column))
            }
        }
        let keepText = keep.trimmingCharacters(in: .whitespaces)
        let keepCount = keepText.isEmpty ? 0 : Int(keepText)
        if keepCount == nil || (keepCount ?? 0) < 0 {
            errors.append(DraftError(field: .keep, message: "--keep must be a whole number, 0 or more (got '\(keep)')"))
        }
        if untagged && untaggedOnly {
            errors.append(
                DraftError(field: .untaggedOnly, message: "--untagged and --untagged-only exclude each other: pick one")
            )
        }
        if filterList.isEmpty && !untaggedOnly && errors.allSatisfy({ $0.field != .filters }) {
            errors.append(
                DraftError(
                    field: .filters, message: "type a filter REPO:TAG, e.g. my-app:.* or '.*:^((?!prod|dev).)*$'"))
        }
        guard errors.isEmpty else { return (nil, errors.sorted { $0.field.rawValue < $1.field.rawValue }) }
        do {
            let policy = try PurgePolicy.parse(
                filters: filterList, ago: agoText.isEmpty ? nil : agoText, keep: keepCount ?? 0, untagged: untagged,
                untaggedOnly: untaggedOnly, includeLocked: includeLocked, protect: protectList)
            return (policy, [])
        } catch {
            return (nil, [DraftError(field: Self.field(for: error.field), message: error.message)])
        }
    }

    /// The filters, one per space-separated word.
    public var filterList: [String] { Self.words(filters) }

    /// The protect rules, one per space-separated word.
    public var protectList: [String] { Self.words(protect) }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " }).map(String.init)
    }

    /// Parses each word of a pattern field on its own, so an error points into the right word.
    static func patternErrors(in text: String, field: ComposerField, flag: PurgeError.Field) -> [DraftError] {
        var errors: [DraftError] = []
        func check(_ word: String, startingAt start: Int) {
            guard !word.isEmpty else { return }
            do {
                _ = try PurgeFilter(word, field: flag)
            } catch {
                // The error's column counts within the word; the composer counts within the field.
                let column = start + max(1, min(error.column ?? 1, word.count))
                errors.append(DraftError(field: field, message: error.message, column: column))
            }
        }
        var word = ""
        var start = 0
        for (index, character) in text.enumerated() {
            if character == " " {
                check(word, startingAt: start)
                word = ""
            } else {
                if word.isEmpty { start = index }
                word.append(character)
            }
        }
        check(word, startingAt: start)
        return errors
    }

    static func field(for field: PurgeError.Field) -> ComposerField {
        switch field {
        case .filter: return .filters
        case .protect: return .protect
        case .ago: return .ago
        case .keep: return .keep
        case .untagged: return .untaggedOnly
        default: return .filters
        }
    }
}
