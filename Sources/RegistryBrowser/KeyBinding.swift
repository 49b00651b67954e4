import TUICore

/// One entry of the key table: the keys, what they do, and the words the help and footer show.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: BrowserAction
    /// A sentence for the help overlay.
    public var help: String
    /// One or two words for the footer; nil keeps the binding out of the footer.
    public var hint: String?
    public var contexts: Set<KeyContext>

    public init(
        _ keys: [Key], _ action: BrowserAction, _ help: String, hint: String? = nil, in contexts: Set<KeyContext>
    ) {
        self.keys = keys
        self.action = action
        self.help = help
        self.hint = hint
        self.contexts = contexts
    }

    /// The keys as the help and footer show them: `↑ k`, or `up k` without Unicode.
    public func keyLabel(unicode: Bool) -> String {
        keys.map { unicode ? $0.description : $0.asciiDescription }.joined(separator: " ")
    }
}
