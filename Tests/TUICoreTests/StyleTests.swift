import TUICore
import Testing

@Suite("Style and colour")
struct StyleTests {
    @Test("patching keeps what the patch does not set")
    func patch() {
        let base = Style(foreground: .white, background: .blue, attributes: .bold)
        let patched = base.patched(with: Style(foreground: .yellow, attributes: .underline))
        #expect(patched.foreground == .yellow)
        #expect(patched.background == .blue)
        #expect(patched.attributes == [.bold, .underline])
    }

    @Test("a patch can switch attributes off")
    func removal() {
        let base = Style(attributes: [.bold, .italic])
        let patched = base.patched(with: Style.plain.removing(.bold))
        #expect(patched.attributes == .italic)
        #expect(base.patched(with: .plain) == base)
    }

    @Test("builders")
    func builders() {
        let style = Style.plain.foreground(.red).background(.black).adding([.dim, .reverse])
        #expect(style == Style(foreground: .red, background: .black, attributes: [.dim, .reverse]))
    }

    @Test("monochrome drops colours and reverses highlighted backgrounds")
    func monochrome() {
        let selected = Style(foreground: .black, background: .cyan, attributes: .bold)
        #expect(selected.adapted(to: .monochrome) == Style(attributes: [.bold, .reverse]))
        #expect(Style(foreground: .red).adapted(to: .monochrome) == .plain)
        #expect(selected.adapted(to: .extended) == selected)
    }

    @Test(
        "palette colours fold to the 16 ANSI colours",
        arguments: [
            (Color.indexed(1), Color.red),
            (Color.indexed(9), Color.brightRed),
            (Color.indexed(196), Color.brightRed),  // #ff0000
            (Color.indexed(88), Color.red),  // #870000
            (Color.indexed(21), Color.brightBlue),  // #0000ff
            (Color.indexed(232), Color.black),
            (Color.indexed(255), Color.brightWhite),
            (Color.green, Color.green),
            (Color.default, Color.default),
        ]
    )
    func nearest(color: Color, expected: Color) {
        #expect(color.nearestANSI16 == expected)
        #expect(Style(foreground: color).adapted(to: .basic).foreground == expected)
    }

    @Test("palette indices")
    func paletteIndex() {
        #expect(Color.black.paletteIndex == 0)
        #expect(Color.brightWhite.paletteIndex == 15)
        #expect(Color.indexed(200).paletteIndex == 200)
        #expect(Color.default.paletteIndex == nil)
    }
}
