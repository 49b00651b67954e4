import TUICore
import Testing

@Suite("Box drawing")
struct BoxDrawingTests {
    @Test("unicode box with a title")
    func unicodeBox() {
        var buffer = Buffer(width: 12, height: 4)
        buffer.drawBox(buffer.area, title: "Tags")
        #expect(
            buffer
                == Buffer(lines: [
                    "┌ Tags ────┐",
                    "│          │",
                    "│          │",
                    "└──────────┘",
                ])
        )
    }

    @Test("ASCII box with a shortened title")
    func asciiBox() {
        var buffer = Buffer(width: 10, height: 3)
        buffer.drawBox(buffer.area, title: "Repositories", glyphs: .ascii)
        #expect(
            buffer.lines() == [
                "+ Repos~ +",
                "|        |",
                "+--------+",
            ]
        )
    }

    @Test("a box inside a larger buffer leaves the rest alone")
    func nestedBox() {
        var buffer = Buffer(lines: ["..........", "..........", "..........", ".........."])
        buffer.drawBox(Rect(x: 2, y: 1, width: 5, height: 3), title: "x", style: Style(foreground: .green))
        #expect(
            buffer.lines() == [
                "..........",
                "..┌ x ┐...",
                "..│...│...",
                "..└───┘...",
            ]
        )
        #expect(buffer.style(atX: 2, y: 1) == Style(foreground: .green))
        #expect(buffer.style(atX: 3, y: 2) == .plain)
    }

    @Test("rounded glyphs and title style")
    func roundedBox() {
        var buffer = Buffer(width: 8, height: 2)
        buffer.drawBox(buffer.area, title: "ok", titleStyle: Style(attributes: .bold), glyphs: .rounded)
        #expect(buffer.lines() == ["╭ ok ──╮", "╰──────╯"])
        #expect(buffer.style(atX: 2, y: 0) == Style(attributes: .bold))
        #expect(buffer.style(atX: 6, y: 0) == .plain)
    }

    @Test("a rectangle too small for a border draws nothing")
    func tooSmall() {
        var buffer = Buffer(width: 3, height: 3)
        buffer.drawBox(Rect(x: 0, y: 0, width: 1, height: 3))
        #expect(buffer == Buffer(width: 3, height: 3))
    }

    @Test("a box hanging over the edge is clipped")
    func clipped() {
        var buffer = Buffer(width: 4, height: 2)
        buffer.drawBox(Rect(x: 1, y: 0, width: 6, height: 4))
        #expect(buffer.lines() == [" ┌──", " │  "])
    }

    @Test("preferred glyphs follow Unicode support")
    func preferred() {
        #expect(BoxGlyphs.preferred(supportsUnicode: true) == .unicode)
        #expect(BoxGlyphs.preferred(supportsUnicode: false) == .ascii)
    }
}
