/// How much of a row or column a layout slot takes; used by `Rect.rows(_:)` and `Rect.columns(_:)`.
public enum Constraint: Sendable, Hashable {
    /// Exactly `n` cells (fewer if the space runs out).
    case length(Int)
    /// `p` percent of the whole space, rounded down.
    case percentage(Int)
    /// An equal share of whatever the fixed slots leave over.
    case fill
}
