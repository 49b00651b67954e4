/// A one-line message that answers the last key (a blocked action, a hint); cleared by the next key.
public struct Flash: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case info
        case warning
    }

    public var text: String
    public var kind: Kind

    public init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}
