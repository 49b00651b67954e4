/// The delete confirmation dialog: what would go, which button has the focus, the typed count.
public struct ConfirmState: Sendable {
    public enum Button: Sendable, Equatable {
        case cancel
        case delete
    }

    /// Above this many items, `y` is not enough: the user types the count.
    public static let typedCountThreshold = 10

    public var request: ExecutionRequest
    /// The focused button; the dialog opens on Cancel.
    public var focus: Button = .cancel
    /// The count typed so far (large deletions only).
    public var typed = TextInput()
    /// A hint after a key that did not confirm.
    public var hint: String?

    public init(request: ExecutionRequest) {
        self.request = request
    }

    /// Whether the user must type the count rather than press `y`.
    public var needsTypedCount: Bool { request.itemCount > Self.typedCountThreshold }
}
