/// A key press, decoded by a backend from whatever the terminal sent.
///
/// Keys are plain data so that one binding table can drive dispatch, footer hints and the help
/// overlay; `description` is the label those show.
public enum Key: Sendable, Hashable {
    /// A printable character, including space and uppercase letters (shift is folded in).
    case character(Character)
    case enter
    case escape
    case backspace
    case delete
    case tab
    /// Shift-Tab.
    case backTab
    case up
    case down
    case left
    case right
    case home
    case end
    case pageUp
    case pageDown
    /// Control plus a key, lowercased: Ctrl-C is `.ctrl("c")`.
    case ctrl(Character)
    /// A function key: F1 is `.function(1)`.
    case function(Int)
    /// The terminal changed size; redraw at the backend's new `size`.
    case resize
    /// Something the backend could not decode.
    case unknown
}

extension Key: CustomStringConvertible {
    /// A short label for help texts and footer hints: `↑`, `enter`, `esc`, `ctrl-c`, `space`, `F5`.
    public var description: String {
        label(unicode: true)
    }

    /// The label without Unicode arrows (`up`, `down`, …), for terminals without a UTF-8 locale.
    public var asciiDescription: String {
        label(unicode: false)
    }

    private func label(unicode: Bool) -> String {
        switch self {
        case .character(" "): return "space"
        case .character(let character): return String(character)
        case .enter: return "enter"
        case .escape: return "esc"
        case .backspace: return "backspace"
        case .delete: return "del"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .up: return unicode ? "↑" : "up"
        case .down: return unicode ? "↓" : "down"
        case .left: return unicode ? "←" : "left"
        case .right: return unicode ? "→" : "right"
        case .home: return "home"
        case .end: return "end"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .ctrl(" "): return "ctrl-space"
        case .ctrl(let character): return "ctrl-\(character)"
        case .function(let number): return "F\(number)"
        case .resize: return "resize"
        case .unknown: return "unknown"
        }
    }
}
