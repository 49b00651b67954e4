/// How a cell looks: optional foreground and background colours plus text attributes.
///
/// Like ratatui's `Style`, a `nil` colour means "not set by this style", so styles can be layered with
/// `patched(with:)`: a list row sets a background, the text written on it sets only a foreground, and
/// the cell ends up with both. `removedAttributes` lets a patch switch attributes off again.
public struct Style: Sendable, Hashable {
    /// The foreground colour, or `nil` to keep whatever is underneath.
    public var foreground: Color?
    /// The background colour, or `nil` to keep whatever is underneath.
    public var background: Color?
    /// Attributes this style switches on.
    public var attributes: TextAttributes
    /// Attributes this style switches off when patched onto another style.
    public var removedAttributes: TextAttributes

    /// A style that changes nothing when patched; cells with it show in the terminal's defaults.
    public static let plain = Style()

    public init(
        foreground: Color? = nil,
        background: Color? = nil,
        attributes: TextAttributes = [],
        removedAttributes: TextAttributes = []
    ) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
        self.removedAttributes = removedAttributes
    }

    /// This style with `other` layered on top: colours `other` sets win, attributes are merged.
    public func patched(with other: Style) -> Style {
        Style(
            foreground: other.foreground ?? foreground,
            background: other.background ?? background,
            attributes: attributes.subtracting(other.removedAttributes).union(other.attributes),
            removedAttributes: removedAttributes.subtracting(other.attributes).union(other.removedAttributes)
        )
    }

    /// This style with a different foreground colour.
    public func foreground(_ color: Color?) -> Style {
        var copy = self
        copy.foreground = color
        return copy
    }

    /// This style with a different background colour.
    public func background(_ color: Color?) -> Style {
        var copy = self
        copy.background = color
        return copy
    }

    /// This style with `added` switched on (and no longer listed as removed).
    public func adding(_ added: TextAttributes) -> Style {
        var copy = self
        copy.attributes.formUnion(added)
        copy.removedAttributes.subtract(added)
        return copy
    }

    /// This style with `removed` switched off, also when patched onto a style that has them.
    public func removing(_ removed: TextAttributes) -> Style {
        var copy = self
        copy.attributes.subtract(removed)
        copy.removedAttributes.formUnion(removed)
        return copy
    }

    /// The style as a cell stores it: what to show, without the "switch off" instructions of a patch.
    var resolved: Style {
        var copy = self
        copy.removedAttributes = []
        return copy
    }
}
