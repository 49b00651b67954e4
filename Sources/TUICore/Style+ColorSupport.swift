extension Style {
    /// This style rewritten for a terminal with `support` colours.
    ///
    /// With `.basic`, palette colours fold to the nearest ANSI colour. With `.monochrome`, colours are
    /// dropped; a style that set a background (a selection bar, a highlighted badge) gets `.reverse`
    /// instead, because otherwise the highlight would vanish entirely.
    public func adapted(to support: ColorSupport) -> Style {
        switch support {
        case .extended:
            return self
        case .basic:
            return Style(
                foreground: foreground?.nearestANSI16,
                background: background?.nearestANSI16,
                attributes: attributes,
                removedAttributes: removedAttributes
            )
        case .monochrome:
            var attributes = attributes
            if let background, background != .default {
                attributes.insert(.reverse)
            }
            return Style(attributes: attributes, removedAttributes: removedAttributes)
        }
    }
}
