import Purge

/// What the browser is started with: where it looks, as whom, and how.
public struct BrowserConfiguration: Sendable {
    /// The registry's name as the user gave it (`127.0.0.1:5000`, `myregistry.azurecr.io`).
    public var registry: String
    /// The user name, or nil for anonymous access.
    public var user: String?
    /// Block every destructive action.
    public var readOnly: Bool
    /// The composer's initial contents: from the policy flags, or from the policy file.
    public var draft: RetentionDraft
    /// The policy file the browser was opened on (`--policy FILE`); `w` writes the rules back to it.
    public var policyFile: PolicyFileSource?
    /// Whether the terminal can show Unicode box drawing and symbols.
    public var supportsUnicode: Bool
    /// The connection flags this session was started with that a scheduled run needs too
    /// (`--plain-http`, `--ca-cert PATH`), for the schedules `e` shows.
    public var connectionFlags: [String] = []

    public init(
        registry: String, user: String? = nil, readOnly: Bool = false, draft: PolicyDraft = PolicyDraft(),
        supportsUnicode: Bool = true
    ) {
        self.registry = registry
        self.user = user
        self.readOnly = readOnly
        self.draft = RetentionDraft(draft)
        self.supportsUnicode = supportsUnicode
    }

    /// The browser on a policy file: the composer holds its rules.
    public init(
        registry: String, user: String? = nil, readOnly: Bool = false, policyFile: PolicyFileSource,
        supportsUnicode: Bool = true
    ) {
        self.registry = registry
        self.user = user
        self.readOnly = readOnly
        self.draft = RetentionDraft(document: policyFile.document)
        self.policyFile = policyFile
        self.supportsUnicode = supportsUnicode
    }
}
