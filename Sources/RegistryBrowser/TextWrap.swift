import TUICore

/// Wraps text into lines of at most `width` columns, breaking at spaces where it can.
///
/// A line's indentation is kept on every piece of it, so wrapped code and config stay readable.
enum TextWrap {
    static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if DisplayWidth.of(String(paragraph)) <= width {
                result.append(String(paragraph))
                continue
            }
            let indent = String(paragraph.prefix { $0 == " " }.prefix(max(0, width / 2)))
            let room = width - indent.count
            var line = ""
            for word in paragraph.dropFirst(indent.count).split(separator: " ").map(String.init) {
                let candidate = line.isEmpty ? word : line + " " + word
                if DisplayWidth.of(candidate) <= room {
                    line = candidate
                    continue
                }
                if !line.isEmpty { result.append(indent + line) }
                // A word longer than the line is cut into pieces.
                var rest = word
                while DisplayWidth.of(rest) > room {
                    var piece = ""
                    for character in rest {
                        if DisplayWidth.of(piece + String(character)) > room { break }
                        piece.append(character)
                    }
                    if piece.isEmpty { break }
                    result.append(indent + piece)
                    rest = String(rest.dropFirst(piece.count))
                }
                line = rest
            }
            result.append(line.isEmpty ? "" : indent + line)
        }
        return result
    }
}
