import Foundation

/// A compiled regular expression with lookaround (ICU, as .NET's and `acr`'s regexp2 have it).
///
/// Compiled once, matched on every tag: `NSRegularExpression` is thread-safe for matching.
public struct PatternRegex: @unchecked Sendable, Equatable {
    public let pattern: String
    private let regex: NSRegularExpression

    /// Compiles `pattern`; with `wholeMatch` it must match the entire text (`^(?:…)$`). `quoted`
    /// names the whole input in the error, and `offset` is where the pattern starts in it.
    public init(
        _ pattern: String, wholeMatch: Bool = false, field: PurgeError.Field, quoted: String, offset: Int = 0
    ) throws(PurgeError) {
        self.pattern = wholeMatch ? "^(?:\(pattern))$" : pattern
        do {
            regex = try NSRegularExpression(pattern: self.pattern)
        } catch {
            // Diagnose the user's own text so the column points into what they typed.
            let (message, column) = Self.diagnose(pattern)
            let at = column.map { " at column \($0 + offset)" } ?? ""
            throw PurgeError(
                field, "invalid regular expression '\(pattern)' in '\(quoted)'\(at): \(message)",
                column: column.map { $0 + offset })
        }
    }

    /// Whether the pattern matches anywhere in `text`.
    public func search(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    public static func == (lhs: PatternRegex, rhs: PatternRegex) -> Bool { lhs.pattern == rhs.pattern }

    /// ICU says only "invalid"; Swift's own regex parser says what and where, so ask it.
    private static func diagnose(_ pattern: String) -> (String, Int?) {
        do {
            _ = try Regex(pattern)
            return ("the pattern is not valid", nil)
        } catch {
            let message = "\(error)"
            // The parser's error carries a source range; read it without importing its private module.
            let range = Mirror(reflecting: error).descendant("location", "range") as? Range<String.Index>
            let column = range.map {
                pattern.distance(from: pattern.startIndex, to: min($0.lowerBound, pattern.endIndex)) + 1
            }
            return (message, column)
        }
    }
}
