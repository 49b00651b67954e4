extension DisplayWidth {
    /// `string` cut to at most `width` columns, ending in `ellipsis` when something was cut.
    ///
    /// A wide character never straddles the limit: if it does not fit, it is dropped. When even the
    /// ellipsis does not fit, the text is cut without one.
    public static func truncate(_ string: String, toWidth width: Int, ellipsis: String = unicodeEllipsis) -> String {
        guard width > 0 else { return "" }
        if of(string) <= width { return string }
        let ellipsisWidth = of(ellipsis)
        let room = ellipsisWidth <= width ? width - ellipsisWidth : width
        var result = ""
        var used = 0
        for character in string {
            let characterWidth = of(character)
            if used + characterWidth > room { break }
            result.append(character)
            used += characterWidth
        }
        return ellipsisWidth <= width ? result + ellipsis : result
    }

    /// `string` padded with spaces to exactly `width` columns; text wider than that is truncated.
    public static func pad(
        _ string: String,
        toWidth width: Int,
        alignment: TextAlignment = .left,
        ellipsis: String = unicodeEllipsis
    ) -> String {
        guard width > 0 else { return "" }
        let fitted = truncate(string, toWidth: width, ellipsis: ellipsis)
        let missing = width - of(fitted)
        guard missing > 0 else { return fitted }
        switch alignment {
        case .left:
            return fitted + String(repeating: " ", count: missing)
        case .right:
            return String(repeating: " ", count: missing) + fitted
        case .center:
            let before = missing / 2
            return String(repeating: " ", count: before) + fitted + String(repeating: " ", count: missing - before)
        }
    }
}
