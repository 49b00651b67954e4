/// A problem with one composer field, shown inline next to it.
public struct DraftError: Sendable, Equatable {
    public var field: ComposerField
    /// What is wrong, quoting the input.
    public var message: String
    /// The 1-based column in the field's text where the problem is, when known.
    public var column: Int?
    /// The rule the problem is in (its index), for a policy file's draft; nil for the policy's own
    /// fields (protect, the rule list) and for the flags' one rule.
    public var rule: Int?

    public init(field: ComposerField, message: String, column: Int? = nil, rule: Int? = nil) {
        self.field = field
        self.message = message
        self.column = column
        self.rule = rule
    }
}
