import Purge

/// Writing a policy file back, in its two steps: the rules to write (the run loop turns them into
/// the file's new text), then the text to put on disk once the user has seen the diff.
public struct PolicyWrite: Sendable, Equatable {
    public var path: String
    /// The file's text as last read or written: the new text keeps its unchanged lines, and the
    /// file is written only if it still holds exactly this.
    public var original: String
    public var document: PolicyDocument
    /// For each rule, the file's rule it was edited from (`RuleDraft.origin`).
    public var origins: [Int?]
    /// The new text; nil until the run loop has made it.
    public var text: String?

    public init(path: String, original: String, document: PolicyDocument, origins: [Int?], text: String? = nil) {
        self.path = path
        self.original = original
        self.document = document
        self.origins = origins
        self.text = text
    }
}

/// The write-back dialog: the diff, scrolled, waiting for y or n.
public struct PolicyWriteState: Sendable, Equatable {
    public var write: PolicyWrite
    public var diff: [TextDiff.Line]
    public var scroll: Int

    public init(write: PolicyWrite, diff: [TextDiff.Line], scroll: Int = 0) {
        self.write = write
        self.diff = diff
        self.scroll = scroll
    }
}
