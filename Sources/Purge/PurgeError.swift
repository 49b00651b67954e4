/// Everything that can go wrong in the purge module, with text that says what to fix.
public struct PurgeError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Which input the error is about, so the browser can show it next to that field.
    public enum Field: String, Sendable, Equatable {
        case filter, ago, keep, protect, untagged, journal, execution
    }

    public let field: Field
    /// What is wrong, quoting the input.
    public let message: String
    /// The 1-based column in the input where the problem is, when known.
    public let column: Int?

    public init(_ field: Field, _ message: String, column: Int? = nil) {
        self.field = field
        self.message = message
        self.column = column
    }

    public var description: String { message }
}
