import Foundation

/// Parses `--ago`: an optional `<int>d` followed by an optional Go-style duration (`30d`, `1d3h`,
/// `15m`, `0d`, `2h30m`, `1.5h`).
///
/// Deviation from `acr`: anything else is an error. `acr` turns `xd` into 0 (which deletes
/// everything matched) and `2days` into 150 years; both are traps for the user.
public enum AgoDuration {
    /// The longest accepted duration: 150 years.
    public static let maximum: TimeInterval = 150 * 365.25 * 86400

    public static let acceptedForms =
        "accepted forms: <days>d optionally followed by a Go duration, e.g. 30d, 1d3h, 0d, 15m, 2h30m, 1.5h "
        + "(units: d at the start, then h, m, s, ms, us, ns)"

    /// Parses `text`; `name` is what the messages call it (`--ago` on the command line, `ago` in a
    /// policy file).
    public static func parse(_ text: String, named name: String = "--ago") throws(PurgeError) -> TimeInterval {
        let input = text.trimmingCharacters(in: .whitespaces)
        guard !input.isEmpty else {
            throw PurgeError(.ago, "\(name) is empty; \(acceptedForms)")
        }
        var rest = Substring(input)
        var total: TimeInterval = 0
        // Days first: `<int>d`.
        let dayDigits = rest.prefix { $0.isASCII && $0.isNumber }
        if !dayDigits.isEmpty, rest.dropFirst(dayDigits.count).first == "d" {
            guard let days = Double(dayDigits) else { throw invalid(input, at: 1, name: name) }
            total += days * 86400
            rest = rest.dropFirst(dayDigits.count + 1)
        }
        let units: [(String, TimeInterval)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("h", 3600), ("m", 60), ("s", 1),
        ]
        while !rest.isEmpty {
            let column = input.count - rest.count + 1
            let number = rest.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
            guard !number.isEmpty, number != ".", let value = Double(number) else {
                throw invalid(input, at: column, name: name)
            }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else {
                throw invalid(input, at: input.count - rest.count + 1, name: name)
            }
            total += value * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        guard total <= maximum else {
            throw PurgeError(.ago, "\(name) '\(input)' is longer than 150 years; use a shorter duration", column: 1)
        }
        return total
    }

    private static func invalid(_ input: String, at column: Int, name: String) -> PurgeError {
        PurgeError(.ago, "\(name) '\(input)' is not a duration (at column \(column)); \(acceptedForms)", column: column)
    }

    /// Formats a duration back in the accepted form, e.g. `30d` or `1d3h`.
    public static func format(_ interval: TimeInterval) -> String {
        var seconds = Int(interval.rounded())
        let days = seconds / 86400
        seconds %= 86400
        var text = "\(days)d"
        if seconds >= 3600 {
            text += "\(seconds / 3600)h"
            seconds %= 3600
        }
        if seconds >= 60 {
            text += "\(seconds / 60)m"
            seconds %= 60
        }
        if seconds > 0 { text += "\(seconds)s" }
        return text
    }
}
