import CNcursesw
import TUICore

extension NcursesTerminal {
    /// Decodes a `KEY_*` code that `wget_wch` reported with `KEY_CODE_YES`.
    static func key(forKeyCode code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_RESIZE: return .resize
        case (KEY_F0 + 1)...(KEY_F0 + 63): return .function(Int(code - KEY_F0))
        default: return .unknown
        }
    }

    /// Decodes a character that `wget_wch` reported with `OK`.
    ///
    /// In raw mode control keys arrive as C0 codes: 1–26 are Ctrl-A…Ctrl-Z, except those terminals
    /// send for Tab (9), Enter (10, 13) and Backspace (8, and 127 from most terminals). 27 is Esc.
    static func key(forCharacter code: UInt32) -> Key {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0: return .ctrl(" ")
        case 1...26:
            guard let letter = Unicode.Scalar(code + 0x60) else { return .unknown }
            return .ctrl(Character(letter))
        case 28: return .ctrl("\\")
        case 29: return .ctrl("]")
        case 30: return .ctrl("^")
        case 31: return .ctrl("_")
        default:
            guard let scalar = Unicode.Scalar(code) else { return .unknown }
            return .character(Character(scalar))
        }
    }
}
