import Purge

/// The policy file a browser session edits: where it is, and its text and rules as last read or
/// written (a write-back compares the file on disk with `text`, so that it never overwrites an
/// edit made elsewhere in the meantime).
public struct PolicyFileSource: Sendable, Equatable {
    public var path: String
    public var text: String
    public var document: PolicyDocument

    public init(path: String, text: String, document: PolicyDocument) {
        self.path = path
        self.text = text
        self.document = document
    }
}
