import Foundation

/// RFC 3339 timestamps as Go writes them (`2022-12-18T22:55:19.123456789+01:00`).
///
/// Foundation's ISO 8601 formatter only takes up to three fractional digits on some platforms, and
/// Go writes up to nine, so the fraction is parsed by hand.
public enum RFC3339 {
    /// Parses a timestamp; nil when it is not RFC 3339.
    public static func parse(_ string: String) -> Date? {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 20 else { return nil }
        var main = trimmed
        var fraction = 0.0
        if let dot = trimmed.firstIndex(of: ".") {
            let afterDot = trimmed[trimmed.index(after: dot)...]
            let digits = afterDot.prefix { $0.isNumber }
            guard !digits.isEmpty, let value = Double("0." + digits) else { return nil }
            fraction = value
            main = String(trimmed[..<dot]) + String(afterDot.dropFirst(digits.count))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: main) else { return nil }
        return date.addingTimeInterval(fraction)
    }

    /// Formats a date in UTC with second precision, e.g. `2026-11-27T16:10:00Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
