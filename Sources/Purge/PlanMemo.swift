import Foundation

/// What one plan can hand to the next: a regex's verdict on a tag name depends only on the pattern
/// and the name, so a keystroke that changes `--ago`, `--keep` or one filter re-runs only the
/// patterns that changed. Regex matching was about half of a plan's instructions at 10,000 tags
/// (ICU, and bridging each name to an `NSString`); a remembered verdict is one dictionary lookup.
///
/// The browser keeps one for its planner; one-off plans (`purge`) need none. Tables are checked out
/// for the length of a plan, so concurrent plans never share one; a pattern in use by another plan
/// is matched afresh. Only the most recently used `capacity` patterns are kept: each holds a verdict
/// per distinct tag name (about 3 MB at 100,000 tags).
public final class PlanMemo: @unchecked Sendable {
    private let lock = NSLock()
    private let capacity: Int
    private var tables: [String: MatchTable] = [:]
    /// Patterns, least recently used first.
    private var recent: [String] = []

    public init(capacity: Int = 8) {
        self.capacity = max(1, capacity)
    }

    /// The table for `regex`, owned by the caller until `checkIn`.
    func checkOut(_ regex: PatternRegex) -> MatchTable {
        lock.withLock { tables.removeValue(forKey: regex.pattern) } ?? MatchTable(regex, remembers: true)
    }

    /// Gives tables back; the least recently used beyond `capacity` are dropped.
    func checkIn(_ returned: [MatchTable]) {
        lock.withLock {
            for table in returned {
                let pattern = table.regex.pattern
                tables[pattern] = table
                recent.removeAll { $0 == pattern }
                recent.append(pattern)
            }
            while recent.count > capacity { tables[recent.removeFirst()] = nil }
        }
    }

    /// How many patterns are remembered (for tests).
    public var patternCount: Int { lock.withLock { tables.count } }
}

/// One pattern's verdicts on tag names. Used by one plan at a time (see `PlanMemo.checkOut`).
final class MatchTable {
    let regex: PatternRegex
    private let remembers: Bool
    private var results: [String: Bool] = [:]

    init(_ regex: PatternRegex, remembers: Bool) {
        self.regex = regex
        self.remembers = remembers
    }

    func search(_ text: String) -> Bool {
        guard remembers else { return regex.search(text) }
        if let known = results[text] { return known }
        let found = regex.search(text)
        results[text] = found
        return found
    }
}

/// The tables one plan uses, one per distinct tag pattern of its rules and protect filters.
struct TagMatchers {
    private var tables: [String: MatchTable] = [:]
    private let memo: PlanMemo?

    init(retention: RetentionPolicy, memo: PlanMemo?) {
        self.memo = memo
        let patterns = retention.rules.flatMap { $0.policy.filters.map(\.tag) } + retention.protect.map(\.tag)
        for regex in patterns where tables[regex.pattern] == nil {
            tables[regex.pattern] = memo?.checkOut(regex) ?? MatchTable(regex, remembers: false)
        }
    }

    func table(_ regex: PatternRegex) -> MatchTable {
        tables[regex.pattern] ?? MatchTable(regex, remembers: false)
    }

    /// Hands the tables back to the memo.
    func finish() { memo?.checkIn(Array(tables.values)) }
}
