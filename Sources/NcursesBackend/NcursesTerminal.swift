import CNcursesw
import TUICore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real terminal, driven through ncursesw: shows `Buffer` frames and decodes keys.
///
/// Only cells that changed since the previous frame are sent; a resize, `invalidate()` or `resume()`
/// repaints everything. All curses calls happen on the main actor, because curses is not thread safe.
///
/// Prefer `withTerminal(_:)`, which guarantees `shutdown()`; `TerminalRestorer` covers signals and
/// `exit()`, and `deinit` is the last resort.
@MainActor
public final class NcursesTerminal: TerminalBackend {
    public private(set) var size: Size
    public let colorSupport: ColorSupport
    public let supportsUnicode: Bool

    private var screen: OpaquePointer?
    private var previousFrame: Buffer?
    private var needsFullRedraw = true
    private var colorPairs: ColorPairTable
    private var isShutDown = false

    /// Takes over the terminal: raw keys, no echo, hidden cursor, colours unless `NO_COLOR` is set.
    ///
    /// Uses `newterm` rather than `initscr` because `initscr` exits the process when the terminal type
    /// is unknown; `newterm` returns an error we can report.
    public init() throws(NcursesBackendError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw .notATerminal
        }
        // Without a locale curses treats every byte above 127 as a separate character.
        setlocale(LC_ALL, "")
        supportsUnicode = rs_locale_is_utf8() == 1

        TerminalRestorer.install()
        guard let screen = newterm(nil, rs_stdout(), rs_stdin()) else {
            TerminalRestorer.uninstall()
            throw .cannotOpenTerminal(type: getenv("TERM").map { String(cString: $0) })
        }
        self.screen = screen
        TerminalRestorer.cursesDidStart()

        // raw() rather than cbreak(): Ctrl-C, Ctrl-Z and Ctrl-\ arrive as keys instead of signals, so
        // the browser can stop a purge cleanly; see TerminalRestorer.
        raw()
        noecho()
        _ = rs_keypad(1)
        // Esc would otherwise wait a full second to rule out an escape sequence.
        set_escdelay(25)
        curs_set(0)

        var support = ColorSupport.monochrome
        var hasDefaultColors = false
        if !NcursesTerminal.isNoColorRequested(), rs_has_colors() == 1, start_color() == OK {
            hasDefaultColors = use_default_colors() == OK
            support = rs_colors() >= 256 ? .extended : .basic
        }
        colorSupport = support
        colorPairs = ColorPairTable(
            colorCount: Int(rs_colors()),
            pairLimit: Int(rs_color_pairs()),
            hasDefaultColors: hasDefaultColors
        )
        size = Size(width: Int(rs_getmaxx()), height: Int(rs_getmaxy()))
    }

    deinit {
        // deinit cannot hop to the main actor; the restorer's endwin-once path needs no isolated state.
        TerminalRestorer.restoreTerminal()
    }

    /// Runs `body` with a terminal and always gives the terminal back afterwards, also when `body` throws.
    public static func withTerminal<Result>(
        _ body: (NcursesTerminal) async throws -> Result
    ) async throws -> Result {
        let terminal = try NcursesTerminal()
        defer { terminal.shutdown() }
        return try await body(terminal)
    }

    /// Ends curses and restores the terminal and the previous signal actions; later calls do nothing.
    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        TerminalRestorer.restoreTerminal()
        TerminalRestorer.uninstall()
        if let screen {
            delscreen(screen)
        }
        screen = nil
        previousFrame = nil
    }

    public func draw(_ buffer: Buffer) {
        guard !isShutDown else { return }
        let updates: [CellUpdate]
        if let previousFrame, !needsFullRedraw, previousFrame.size == buffer.size {
            updates = buffer.diff(from: previousFrame)
        } else {
            // Clear curses' picture of the screen too, so nothing from a larger old frame survives, and
            // make the next refresh repaint the real screen (it may hold a shell's output after resume).
            werase(rs_stdscr())
            _ = rs_clearok(1)
            updates = buffer.allCells()
            needsFullRedraw = false
        }
        for update in updates where update.x < size.width && update.y < size.height {
            put(update, in: buffer)
        }
        wnoutrefresh(rs_stdscr())
        doupdate()
        previousFrame = buffer
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        guard !isShutDown else { return nil }
        wtimeout(rs_stdscr(), Int32(clamping: max(-1, timeoutMilliseconds)))
        var code: wint_t = 0
        let key: Key
        switch wget_wch(rs_stdscr(), &code) {
        case KEY_CODE_YES:
            key = NcursesTerminal.key(forKeyCode: Int32(truncatingIfNeeded: code))
        case OK:
            key = NcursesTerminal.key(forCharacter: UInt32(code))
        default:
            return nil
        }
        if key == .resize {
            size = Size(width: Int(rs_getmaxx()), height: Int(rs_getmaxy()))
            needsFullRedraw = true
        }
        return key
    }

    public func invalidate() {
        needsFullRedraw = true
    }

    public func suspend() {
        guard !isShutDown else { return }
        def_prog_mode()
        endwin()
    }

    public func resume() {
        guard !isShutDown else { return }
        reset_prog_mode()
        needsFullRedraw = true
    }

    /// Stops the process like Ctrl-Z in a shell (raw mode delivers Ctrl-Z as a key, not as SIGTSTP).
    ///
    /// The terminal is handed back first and taken again when the shell continues the process (`fg`).
    public func suspendProcess() {
        suspend()
        // SIGSTOP cannot be caught, so ncurses' own SIGTSTP handler does not restore the screen twice.
        raise(SIGSTOP)
        resume()
    }

    /// Whether the user asked for no colours (https://no-color.org: set and not empty).
    private static func isNoColorRequested() -> Bool {
        guard let value = getenv("NO_COLOR") else { return false }
        return value.pointee != 0
    }

    /// Sends one cell to curses. Continuation cells are skipped: the wide grapheme to their left covers
    /// them, and writing there would cut it in half.
    private func put(_ update: CellUpdate, in buffer: Buffer) {
        let cell = update.cell
        guard !cell.isContinuation else { return }
        let style = cell.style.adapted(to: colorSupport)
        let attributes = NcursesTerminal.cursesAttributes(style.attributes)
        var pairNumber: Int16 = 0
        if colorSupport != .monochrome {
            let pair = colorPairs.pair(foreground: style.foreground, background: style.background)
            let allocation = colorPairs.number(for: pair)
            if allocation.isNew {
                init_pair(allocation.number, pair.foreground, pair.background)
            }
            pairNumber = allocation.number
        }
        let scalars = Array(cell.symbol.unicodeScalars)
        guard let base = scalars.first else { return }
        // A cchar_t holds one spacing character and up to CCHARW_MAX - 1 combining ones.
        var text = scalars.prefix(Int(CCHARW_MAX)).map { wchar_t(truncatingIfNeeded: $0.value) }
        text.append(0)
        if rs_put_wide(Int32(update.y), Int32(update.x), text, attributes, Int32(pairNumber)) == RS_REJECTED_TEXT {
            // Emoji ZWJ sequences hold several spacing characters, which curses refuses; show the first.
            let fallback: [wchar_t] = [wchar_t(truncatingIfNeeded: base.value), 0]
            if rs_put_wide(Int32(update.y), Int32(update.x), fallback, attributes, Int32(pairNumber))
                == RS_REJECTED_TEXT
            {
                _ = rs_put_wide(Int32(update.y), Int32(update.x), [0x3F, 0], attributes, Int32(pairNumber))
            }
        }
        // If the C library thinks a grapheme we laid out as wide is narrow (some emoji with VS16), curses
        // would leave the column to its right untouched; blank it so no stale character shows there.
        let isWideInBuffer = buffer.cell(atX: update.x + 1, y: update.y)?.isContinuation == true
        if isWideInBuffer, rs_wcwidth(wchar_t(truncatingIfNeeded: base.value)) < 2, update.x + 1 < size.width {
            _ = rs_put_wide(Int32(update.y), Int32(update.x + 1), [0x20, 0], attributes, Int32(pairNumber))
        }
    }

    /// The curses attribute bits for `attributes`.
    private static func cursesAttributes(_ attributes: TextAttributes) -> attr_t {
        var result = rs_a_normal()
        if attributes.contains(.bold) { result |= rs_a_bold() }
        if attributes.contains(.dim) { result |= rs_a_dim() }
        if attributes.contains(.underline) { result |= rs_a_underline() }
        if attributes.contains(.reverse) { result |= rs_a_reverse() }
        if attributes.contains(.italic) { result |= rs_a_italic() }
        return result
    }
}
