/// Where text sits when padded to a wider column.
public enum TextAlignment: Sendable, Hashable {
    case left
    case center
    case right
}
