/// The open filter composer: which field has the cursor, and the draft to return to on esc.
public struct ComposerState: Sendable, Equatable {
    public var field: ComposerField
    /// The focused text field's contents and cursor.
    public var input: TextInput
    /// The draft as it was when the composer opened.
    public var original: RetentionDraft

    public init(field: ComposerField, input: TextInput, original: RetentionDraft) {
        self.field = field
        self.input = input
        self.original = original
    }
}
