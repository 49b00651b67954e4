/// A line diff of two texts, as a reviewer reads one: changed lines with a few unchanged ones
/// around them, and long unchanged stretches folded.
public enum TextDiff {
    public struct Line: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case same, removed, added
            /// Unchanged lines left out; `text` says how many.
            case folded
        }

        public var kind: Kind
        public var text: String

        public init(_ kind: Kind, _ text: String) {
            self.kind = kind
            self.text = text
        }

        /// The line as `diff -u` prints it: `-`, `+` or a space in front.
        public var unified: String {
            switch kind {
            case .same: return " " + text
            case .removed: return "-" + text
            case .added: return "+" + text
            case .folded: return text
            }
        }
    }

    /// The lines of `old` and `new` in order, each marked; unchanged runs longer than twice
    /// `context` are folded to `context` lines on each side.
    public static func lines(from old: String, to new: String, context: Int = 2) -> [Line] {
        let before = split(old)
        let after = split(new)
        let difference = after.difference(from: before)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var all: [Line] = []
        var i = 0
        var j = 0
        while i < before.count || j < after.count {
            if i < before.count && removed.contains(i) {
                all.append(Line(.removed, before[i]))
                i += 1
            } else if j < after.count && inserted.contains(j) {
                all.append(Line(.added, after[j]))
                j += 1
            } else {
                all.append(Line(.same, i < before.count ? before[i] : after[j]))
                i += 1
                j += 1
            }
        }
        return fold(all, context: context)
    }

    /// Whether any line changed.
    public static func hasChanges(_ lines: [Line]) -> Bool {
        lines.contains { $0.kind == .removed || $0.kind == .added }
    }

    private static func fold(_ lines: [Line], context: Int) -> [Line] {
        var result: [Line] = []
        var index = 0
        while index < lines.count {
            guard lines[index].kind == .same else {
                result.append(lines[index])
                index += 1
                continue
            }
            var end = index
            while end < lines.count && lines[end].kind == .same { end += 1 }
            let run = lines[index..<end]
            let keepBefore = index == 0 ? 0 : context
            let keepAfter = end == lines.count ? 0 : context
            if run.count > keepBefore + keepAfter + 1 {
                result += run.prefix(keepBefore)
                let hidden = run.count - keepBefore - keepAfter
                result.append(Line(.folded, "\(hidden) unchanged \(hidden == 1 ? "line" : "lines")"))
                result += run.suffix(keepAfter)
            } else {
                result += run
            }
            index = end
        }
        return result
    }

    private static func split(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
