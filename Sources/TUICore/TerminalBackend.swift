/// The role of a terminal: report its size, show a frame, deliver keys.
///
/// The browser's run loop talks only to this protocol, so it runs unchanged against `TestBackend` in
/// tests and `NcursesTerminal` in the real program. It is `@MainActor` because curses is not thread
/// safe: pinning every call to one actor makes "all curses calls on one thread" a compile-time fact.
@MainActor
public protocol TerminalBackend: AnyObject {
    /// The current size in columns and rows; changes after a `.resize` key.
    var size: Size { get }

    /// How many colours the terminal shows; `.monochrome` when `NO_COLOR` is set.
    ///
    /// Renderers that want to be sure a highlight stays visible pass their styles through
    /// `Style.adapted(to:)` with this value.
    var colorSupport: ColorSupport { get }

    /// Whether the terminal's locale is UTF-8, so box-drawing glyphs, arrows and `…` can be shown.
    var supportsUnicode: Bool { get }

    /// Shows `buffer`, redrawing only what changed since the previous frame.
    func draw(_ buffer: Buffer)

    /// Waits up to `timeoutMilliseconds` for a key; `nil` on timeout. A negative timeout waits forever.
    func readKey(timeoutMilliseconds: Int) -> Key?

    /// Makes the next `draw` repaint every cell (after something else wrote to the screen; ctrl-l).
    func invalidate()

    /// Hands the terminal back to the shell for a while (to run a pager or an editor).
    func suspend()

    /// Takes the terminal back after `suspend()`; the next `draw` repaints everything.
    func resume()
}

extension TerminalBackend {
    public func invalidate() {}
    public func suspend() {}
    public func resume() {}
}
