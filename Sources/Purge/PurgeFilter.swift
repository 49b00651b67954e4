/// One `--filter REPO:TAG` (or `--protect REPO:TAG`): a repository regex that must match the whole
/// name, and a tag regex that may match anywhere in the tag (as `acr` does; anchor with `^…$`).
public struct PurgeFilter: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let repository: PatternRegex
    public let tag: PatternRegex

    public static let expectedForm =
        "expected REPOSITORY-REGEX:TAG-REGEX with one ':' between them, e.g. 'my-app:^((?!prod|dev).)*$' or '.*:.*'"

    /// Parses and compiles a filter. `field` says whether it came from `--filter` or `--protect`;
    /// `name`, when given, is what the messages call it instead (e.g. a policy file's `filters`).
    public init(_ text: String, field: PurgeError.Field = .filter, named name: String? = nil) throws(PurgeError) {
        let flag = name ?? (field == .protect ? "--protect" : "--filter")
        let colons = Self.separatorColons(in: text)
        guard colons.count == 1, let colon = colons.first else {
            let problem =
                !colons.isEmpty
                ? "has \(colons.count) ':' separators"
                : text.contains(":")
                    ? "has no ':' outside a bracket expression or group (is a '[' left unclosed?)"
                    : "has no ':' between repository and tag"
            throw PurgeError(
                field, "\(flag) '\(text)' \(problem); \(Self.expectedForm)",
                column: colons.dropFirst().first.map { text.distance(from: text.startIndex, to: $0) + 1 })
        }
        let repository = String(text[..<colon])
        let tag = String(text[text.index(after: colon)...])
        guard !repository.isEmpty, !tag.isEmpty else {
            let side = repository.isEmpty ? "repository" : "tag"
            throw PurgeError(
                field, "\(flag) '\(text)' has an empty \(side) part; \(Self.expectedForm)",
                column: repository.isEmpty ? 1 : text.count)
        }
        self.text = text
        // The repository must match the whole name (deviation: acr wraps as ^RE$, so a|b matches ax).
        self.repository = try PatternRegex(repository, wholeMatch: true, field: field, quoted: text)
        self.tag = try PatternRegex(tag, field: field, quoted: text, offset: repository.count + 1)
    }

    public func matches(repository name: String) -> Bool { repository.search(name) }

    /// The repository part when it is a plain name rather than a pattern, e.g. `my-app` or `team/api`.
    public var literalRepository: String? {
        let text = String(repository.pattern.dropFirst(4).dropLast(2))
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "-_/".contains($0) }
        return plain && !text.isEmpty ? text : nil
    }

    public func matches(repository name: String, tag value: String) -> Bool {
        repository.search(name) && tag.search(value)
    }

    public var description: String { text }

    /// The colons that separate repository from tag: outside bracket expressions (`[^:]`,
    /// `[[:digit:]]`), not escaped, and not the colon of a group opener (`(?:`, `(?i:`, `(?i-m:`).
    static func separatorColons(in text: String) -> [String.Index] {
        var result: [String.Index] = []
        var index = text.startIndex
        var inBracket = false
        var bracketStart = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "\\" {
                index = text.index(after: index)
                if index < text.endIndex { index = text.index(after: index) }
                continue
            }
            if inBracket {
                if c == "[",
                    text[index...].hasPrefix("[:") || text[index...].hasPrefix("[=") || text[index...].hasPrefix("[.")
                {
                    // A POSIX class such as [:digit:]: skip to its closing ":]".
                    if let close = text[text.index(index, offsetBy: 2)...].range(of: ":]") ?? text[index...].range(
                        of: "=]") ?? text[index...].range(of: ".]")
                    {
                        index = close.upperBound
                        continue
                    }
                }
                // A ']' right after '[' or '[^' is a literal, not the end.
                let offset = text.distance(from: bracketStart, to: index)
                let negatedStart = text[bracketStart...].hasPrefix("[^")
                if c == "]" && !(offset == 1 || (negatedStart && offset == 2)) { inBracket = false }
                index = text.index(after: index)
                continue
            }
            if c == "[" {
                inBracket = true
                bracketStart = index
            } else if c == "(", text[index...].hasPrefix("(?") {
                // Skip `(?flags:` so its colon is not taken as the separator.
                var scan = text.index(index, offsetBy: 2)
                while scan < text.endIndex, text[scan].isLetter || text[scan] == "-" { scan = text.index(after: scan) }
                if scan < text.endIndex, text[scan] == ":" {
                    index = text.index(after: scan)
                    continue
                }
            } else if c == ":" {
                result.append(index)
            }
            index = text.index(after: index)
        }
        return result
    }
}
