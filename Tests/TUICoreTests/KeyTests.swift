import TUICore
import Testing

@Suite("Key")
struct KeyTests {
    @Test(
        "labels for help texts",
        arguments: [
            (Key.character("q"), "q"),
            (Key.character("G"), "G"),
            (Key.character(" "), "space"),
            (Key.enter, "enter"),
            (Key.escape, "esc"),
            (Key.up, "↑"),
            (Key.down, "↓"),
            (Key.left, "←"),
            (Key.right, "→"),
            (Key.ctrl("c"), "ctrl-c"),
            (Key.tab, "tab"),
            (Key.backTab, "shift-tab"),
            (Key.pageDown, "pgdn"),
            (Key.function(5), "F5"),
            (Key.backspace, "backspace"),
            (Key.delete, "del"),
        ]
    )
    func description(key: Key, expected: String) {
        #expect(key.description == expected)
        #expect("\(key)" == expected)
    }

    @Test("ASCII labels spell out arrows")
    func ascii() {
        #expect(Key.up.asciiDescription == "up")
        #expect(Key.right.asciiDescription == "right")
        #expect(Key.enter.asciiDescription == "enter")
    }

    @Test("keys are hashable data for binding tables")
    func hashable() {
        let bindings: [Key: String] = [.character("q"): "quit", .ctrl("c"): "quit", .up: "move up"]
        #expect(bindings[.character("q")] == "quit")
        #expect(bindings[.character("Q")] == nil)
        #expect(bindings[.ctrl("c")] == "quit")
    }
}
