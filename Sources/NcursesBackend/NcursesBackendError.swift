/// Why the curses terminal could not be started, worded so the user knows what to do.
public struct NcursesBackendError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case notATerminal
        case cannotOpenTerminal(type: String?)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// Standard input or output is a pipe or a file, so there is no screen to draw on.
    public static let notATerminal = NcursesBackendError(.notATerminal)

    /// curses has no description for the terminal type (`TERM`), or `TERM` is unset.
    public static func cannotOpenTerminal(type: String?) -> NcursesBackendError {
        NcursesBackendError(.cannotOpenTerminal(type: type))
    }

    public var description: String {
        switch code {
        case .notATerminal:
            return "The interactive browser needs a terminal: standard input and output must not be "
                + "redirected to a pipe or a file. Run it directly in a terminal, or use a non-interactive command."
        case .cannotOpenTerminal(let type?):
            return "Could not start the terminal UI: curses does not know the terminal type TERM=\(type). "
                + "Set TERM to a known type such as xterm-256color and try again."
        case .cannotOpenTerminal(nil):
            return "Could not start the terminal UI: TERM is not set. "
                + "Set TERM to your terminal's type, for example xterm-256color, and try again."
        }
    }
}
