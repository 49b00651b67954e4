import Foundation
import Purge
import RegistryClient

/// Short texts for the columns: ages, dates, sizes, counts.
enum BrowserFormat {
    /// How long ago, in one unit: `45m`, `7h`, `12d`, `3y`; `?` when unknown.
    static func age(_ date: Date?, now: Date) -> String {
        guard let date else { return "?" }
        let seconds = max(0, now.timeIntervalSince(date))
        switch seconds {
        case ..<3600: return "\(Int(seconds / 60))m"
        case ..<86400: return "\(Int(seconds / 3600))h"
        case ..<(730 * 86400): return "\(Int(seconds / 86400))d"
        default: return "\(Int(seconds / (365.25 * 86400)))y"
        }
    }

    /// `2022-12-15`, in UTC; `-` when unknown.
    static func day(_ date: Date?) -> String {
        guard let date else { return "-" }
        return String(RFC3339.format(date).prefix(10))
    }

    /// `2022-12-15 12:00 UTC`.
    static func minute(_ date: Date) -> String {
        let text = RFC3339.format(date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    /// A human size: `1.2 MB`.
    static func size(_ bytes: Int64?) -> String {
        bytes.map(PlanReport.bytes) ?? "-"
    }

    /// `1 tag`, `4 tags`.
    static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) \(number == 1 ? singular : (plural ?? singular + "s"))"
    }

    /// The platforms of a manifest: `linux/amd64`, or `linux/amd64, linux/arm64/v8`.
    /// A lock in a four-column cell: `del`, `wr`, `d+w`, or blank when unlocked.
    static func lock(_ lock: LockState) -> String {
        switch (lock.contains(.delete), lock.contains(.write)) {
        case (true, true): return "d+w"
        case (true, false): return "del"
        case (false, true): return "wr"
        case (false, false): return ""
        }
    }

    static func platforms(_ platforms: [Platform]) -> String {
        platforms.isEmpty ? "-" : platforms.map(\.description).joined(separator: ", ")
    }
}
