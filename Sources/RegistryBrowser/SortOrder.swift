/// How a list is sorted; `s` cycles through the orders.
public enum SortOrder: Sendable, CaseIterable, Hashable {
    case name
    /// Newest first; unknown ages last.
    case age
    /// Largest first.
    case size

    public var label: String {
        switch self {
        case .name: return "name"
        case .age: return "age"
        case .size: return "size"
        }
    }

    /// The next order in the cycle.
    var next: SortOrder {
        switch self {
        case .name: return .age
        case .age: return .size
        case .size: return .name
        }
    }
}
