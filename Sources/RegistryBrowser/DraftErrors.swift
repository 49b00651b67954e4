/// The problems that keep a draft from being exported.
public struct DraftErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [DraftError]

    public var description: String {
        errors.map { "\($0.field.label): \($0.message)" }.joined(separator: "\n")
    }
}
