/// The distribution spec's grammar for names and tags, applied to everything a registry lists.
///
/// A name from a listing goes into request paths, file names and terminals; one that is not in the
/// grammar (`a/../../etc`, a tag with an escape sequence) is never used, only reported.
public enum ReferenceGrammar {
    /// The longest repository name distribution accepts.
    public static let maxRepositoryLength = 255

    /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`, at most 255 bytes.
    public static func isValidRepository(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxRepositoryLength else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(isValidComponent)
    }

    /// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
    public static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128 else { return false }
        guard isAlnum(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.dropFirst().allSatisfy {
            isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// One path component: alphanumeric runs joined by `.`, `_`, `__` or any number of `-`.
    private static func isValidComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last) else {
            return false
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isLowerAlnum(byte) {
                index += 1
                continue
            }
            // A separator run: `.`, `_`, `__`, or `-+`, always followed by an alphanumeric.
            var end = index
            switch byte {
            case UInt8(ascii: "."): end = index + 1
            case UInt8(ascii: "_"): end = index + 1 < bytes.count && bytes[index + 1] == byte ? index + 2 : index + 1
            case UInt8(ascii: "-"):
                while end < bytes.count && bytes[end] == byte { end += 1 }
            default: return false
            }
            guard end < bytes.count, isLowerAlnum(bytes[end]) else { return false }
            index = end
        }
        return true
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        isLowerAlnum(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
