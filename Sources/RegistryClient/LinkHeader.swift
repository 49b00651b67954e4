import Foundation

/// RFC 8288 `Link` headers, as registries use them for pagination.
public enum LinkHeader {
    /// The `rel="next"` target among the header's links, resolved against the request URL
    /// (distribution sends a path such as `</v2/_catalog?last=x&n=100>`).
    public static func next(in values: [String], relativeTo base: URL) -> URL? {
        for value in values {
            for link in split(value) {
                guard let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close else {
                    continue
                }
                let target = String(link[link.index(after: open)..<close])
                let params = link[link.index(after: close)...].split(separator: ";").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                let isNext = params.contains { param in
                    let parts = param.split(separator: "=", maxSplits: 1).map {
                        $0.trimmingCharacters(in: CharacterSet(charactersIn: " \""))
                    }
                    return parts.count == 2 && parts[0].lowercased() == "rel"
                        && parts[1].lowercased().split(separator: " ").contains("next")
                }
                if isNext, let url = URL(string: target, relativeTo: base)?.absoluteURL { return url }
            }
        }
        return nil
    }

    /// Splits a header value into links on the commas that are outside `<…>` and quotes.
    private static func split(_ value: String) -> [String] {
        var links: [String] = []
        var current = ""
        var inAngle = false
        var inQuote = false
        for c in value {
            switch c {
            case "<" where !inQuote: inAngle = true
            case ">" where !inQuote: inAngle = false
            case "\"" where !inAngle: inQuote.toggle()
            case "," where !inAngle && !inQuote:
                links.append(current)
                current = ""
                continue
            default: break
            }
            current.append(c)
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { links.append(current) }
        return links
    }
}
