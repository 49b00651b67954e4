/// An in-memory terminal for tests: a settable size, a queue of keys, and a record of every frame.
///
/// Tests push keys with `enqueue`, run the loop under test, then assert on `lastFrame?.lines()` and
/// styles, the way ratatui's `TestBackend` is used.
@MainActor
public final class TestBackend: TerminalBackend {
    public private(set) var size: Size
    public var colorSupport: ColorSupport
    public var supportsUnicode: Bool

    /// Every buffer passed to `draw`, oldest first.
    public private(set) var frames: [Buffer] = []
    /// The cells the last `draw` changed, as a real backend would have sent them.
    public private(set) var lastUpdates: [CellUpdate] = []
    /// Keys still waiting to be read, next first.
    public private(set) var pendingKeys: [Key] = []
    /// The timeouts `readKey` was called with, oldest first.
    public private(set) var readTimeouts: [Int] = []
    /// Whether the terminal is currently handed back to the shell.
    public private(set) var isSuspended = false

    private var needsFullRedraw = true

    public init(
        width: Int,
        height: Int,
        colorSupport: ColorSupport = .extended,
        supportsUnicode: Bool = true
    ) {
        self.size = Size(width: width, height: height)
        self.colorSupport = colorSupport
        self.supportsUnicode = supportsUnicode
    }

    /// The most recently drawn buffer.
    public var lastFrame: Buffer? {
        frames.last
    }

    /// Queues keys for `readKey` to return in order.
    public func enqueue(_ keys: Key...) {
        pendingKeys.append(contentsOf: keys)
    }

    /// Queues keys for `readKey` to return in order.
    public func enqueue(_ keys: [Key]) {
        pendingKeys.append(contentsOf: keys)
    }

    /// Queues one `.character` key per character of `text`, as if it were typed.
    public func enqueue(typing text: String) {
        pendingKeys.append(contentsOf: text.map(Key.character))
    }

    /// Changes the size and queues `.resize`, as a terminal window being resized does.
    public func resize(width: Int, height: Int) {
        size = Size(width: width, height: height)
        needsFullRedraw = true
        pendingKeys.append(.resize)
    }

    public func draw(_ buffer: Buffer) {
        if let previous = frames.last, !needsFullRedraw {
            lastUpdates = buffer.diff(from: previous)
        } else {
            lastUpdates = buffer.allCells()
        }
        needsFullRedraw = false
        frames.append(buffer)
    }

    /// Returns the next queued key, or `nil` (a timeout) when the queue is empty.
    public func readKey(timeoutMilliseconds: Int) -> Key? {
        readTimeouts.append(timeoutMilliseconds)
        guard !pendingKeys.isEmpty else { return nil }
        return pendingKeys.removeFirst()
    }

    public func invalidate() {
        needsFullRedraw = true
    }

    public func suspend() {
        isSuspended = true
    }

    public func resume() {
        isSuspended = false
        needsFullRedraw = true
    }
}
