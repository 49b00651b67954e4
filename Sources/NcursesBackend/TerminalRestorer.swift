import CNcursesw

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Gives the terminal back to the shell on every way out of the program.
///
/// While curses runs, the terminal is in raw mode on the alternate screen with the cursor hidden. If the
/// process ends without `endwin()`, the user's shell is left echoing nothing and ignoring Enter. So
/// besides the normal `NcursesTerminal.shutdown()`, an `atexit` hook covers `exit()`, and handlers for
/// termination signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT) and crash signals (SIGABRT, SIGSEGV, SIGBUS,
/// SIGILL, SIGFPE, SIGTRAP) call `endwin()` and then re-raise the signal with the action that was there
/// before, so the exit status, a core dump or Swift's crash backtrace still happen as usual.
///
/// Ctrl-C: the terminal runs in `raw()` mode, so Ctrl-C arrives as `Key.ctrl("c")` rather than SIGINT.
/// That lets the browser decide what it means (quit, or stop a purge after the current delete and
/// write the journal) instead of dying mid-operation. SIGINT sent by `kill` still restores and exits.
///
/// `endwin()` is not async-signal-safe in the POSIX sense; ncurses' own SIGINT handler calls it all the
/// same, because a restored terminal is worth more than the small risk when the process is going away.
///
/// State lives in `nonisolated(unsafe)` statics because a C signal handler cannot capture context. It
/// is written on the main actor before the handlers are installed, and the handlers only read it.
enum TerminalRestorer {
    /// Whether curses owns the terminal and `endwin()` is still due.
    nonisolated(unsafe) private static var isCursesActive = false
    nonisolated(unsafe) private static var isInstalled = false
    nonisolated(unsafe) private static var isAtExitRegistered = false
    /// Bit `slot` is set when the handler for `handledSignals[slot]` was installed by us.
    nonisolated(unsafe) private static var installedSlots: UInt32 = 0
    /// The actions our handlers replaced, indexed by slot, to chain to and to restore on uninstall.
    nonisolated(unsafe) private static let savedActions: UnsafeMutablePointer<sigaction> = {
        let pointer = UnsafeMutablePointer<sigaction>.allocate(capacity: slotCount)
        pointer.initialize(repeating: sigaction(), count: slotCount)
        return pointer
    }()

    private static let slotCount = 10

    /// The slot of a handled signal, without touching any Swift collection (we run in a signal handler).
    private static func slot(of signalNumber: Int32) -> Int? {
        switch signalNumber {
        case SIGINT: return 0
        case SIGTERM: return 1
        case SIGHUP: return 2
        case SIGQUIT: return 3
        case SIGABRT: return 4
        case SIGSEGV: return 5
        case SIGBUS: return 6
        case SIGILL: return 7
        case SIGFPE: return 8
        case SIGTRAP: return 9
        default: return nil
        }
    }

    private static let handledSignals: [Int32] = [
        SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
    ]

    /// Installs the signal handlers and the `atexit` hook; call before curses starts.
    ///
    /// Installing first also keeps ncurses from putting in its own SIGINT/SIGTERM handlers, which it only
    /// does for signals still at their default action.
    @MainActor
    static func install() {
        guard !isInstalled else { return }
        _ = savedActions
        for signalNumber in handledSignals {
            guard let slot = slot(of: signalNumber) else { continue }
            if rs_install_signal_handler(signalNumber, restoreTerminalAndReraise, savedActions + slot) == 1 {
                installedSlots |= 1 << UInt32(slot)
            }
        }
        if !isAtExitRegistered {
            atexit { TerminalRestorer.restoreTerminal() }
            isAtExitRegistered = true
        }
        isInstalled = true
    }

    /// Puts back the signal actions that were there before `install()`; the `atexit` hook stays (it
    /// does nothing once curses has ended).
    @MainActor
    static func uninstall() {
        guard isInstalled else { return }
        for signalNumber in handledSignals {
            guard let slot = slot(of: signalNumber), installedSlots & (1 << UInt32(slot)) != 0 else { continue }
            _ = rs_restore_signal_handler(signalNumber, savedActions + slot)
        }
        installedSlots = 0
        isInstalled = false
    }

    /// Records that curses now owns the terminal, so the hooks know `endwin()` is due.
    @MainActor
    static func cursesDidStart() {
        isCursesActive = true
    }

    /// Calls `endwin()` if curses still owns the terminal; safe to call any number of times.
    ///
    /// `nonisolated` because it is called from signal handlers, `atexit` and `deinit`.
    static func restoreTerminal() {
        guard isCursesActive else { return }
        isCursesActive = false
        endwin()
    }

    /// The signal handler's second half: put back the previous action for `signalNumber` and raise the
    /// signal again, so it ends the process the way it would have without us.
    fileprivate static func reraiseWithPreviousAction(_ signalNumber: Int32) {
        if let slot = slot(of: signalNumber), installedSlots & (1 << UInt32(slot)) != 0 {
            _ = rs_restore_signal_handler(signalNumber, savedActions + slot)
        } else {
            signal(signalNumber, SIG_DFL)
        }
        // The signal is blocked while its handler runs, so this is delivered as soon as we return.
        raise(signalNumber)
    }
}

/// The C signal handler: restore the terminal, then let the signal do what it would have done.
private func restoreTerminalAndReraise(_ signalNumber: Int32) {
    TerminalRestorer.restoreTerminal()
    TerminalRestorer.reraiseWithPreviousAction(signalNumber)
}
