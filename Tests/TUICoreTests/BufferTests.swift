import TUICore
import Testing

@Suite("Buffer")
struct BufferTests {
    @Test("a new buffer is blank")
    func blank() {
        let buffer = Buffer(width: 3, height: 2)
        #expect(buffer.lines() == ["   ", "   "])
        #expect(buffer.lines(trimmingTrailingSpaces: true) == ["", ""])
        #expect(buffer.cells.count == 6)
    }

    @Test("strings are placed and clipped at the right edge")
    func placeAndClip() {
        var buffer = Buffer(width: 8, height: 2)
        let end = buffer.set(string: "hello", x: 1, y: 0)
        #expect(end == 6)
        let clippedEnd = buffer.set(string: "registry", x: 4, y: 1)
        #expect(clippedEnd == 8)
        #expect(buffer.lines() == [" hello  ", "    regi"])
    }

    @Test("maxWidth limits a write")
    func maxWidth() {
        var buffer = Buffer(width: 10, height: 1)
        buffer.set(string: "abcdefgh", x: 2, y: 0, maxWidth: 3)
        #expect(buffer.lines() == ["  abc     "])
    }

    @Test("writes outside the buffer are ignored")
    func outside() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.set(string: "zz", x: 0, y: 1)
        buffer.set(string: "zz", x: 0, y: -1)
        buffer.set(string: "zz", x: 9, y: 0)
        #expect(buffer == Buffer(width: 4, height: 1))
        buffer.set(string: "abcd", x: -2, y: 0)
        #expect(buffer.lines() == ["cd  "])
    }

    @Test("wide characters take two cells, the second a continuation")
    func wideCharacters() throws {
        var buffer = Buffer(width: 6, height: 1)
        let end = buffer.set(string: "日本x", x: 0, y: 0)
        #expect(end == 5)
        #expect(buffer.lines() == ["日本x "])
        #expect(buffer.cell(atX: 0, y: 0)?.symbol == "日")
        let continuation = try #require(buffer.cell(atX: 1, y: 0))
        #expect(continuation.isContinuation)
        #expect(buffer.cell(atX: 2, y: 0)?.symbol == "本")
    }

    @Test("a wide character that would straddle the edge is left out")
    func wideAtEdge() {
        var buffer = Buffer(width: 5, height: 1)
        let end = buffer.set(string: "ab日本", x: 0, y: 0)
        #expect(end == 4)
        #expect(buffer.lines() == ["ab日 "])
    }

    @Test("overwriting half of a wide character blanks the other half")
    func splitWide() {
        var buffer = Buffer(width: 6, height: 1)
        buffer.set(string: "日本語", x: 0, y: 0)
        buffer.set(string: "x", x: 1, y: 0)  // right half of 日
        buffer.set(string: "y", x: 2, y: 0)  // left half of 本
        #expect(buffer.lines() == [" xy 語"])
        #expect(buffer.cells.filter(\.isContinuation).count == 1)
    }

    @Test("combining marks stay in their grapheme's cell")
    func combining() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.set(string: "cafe\u{301}", x: 0, y: 0)
        #expect(buffer.lines() == ["cafe\u{301}"])
        #expect(buffer.cell(atX: 3, y: 0)?.symbol == "e\u{301}")
    }

    @Test("written text patches the style underneath")
    func stylePatching() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.fill(buffer.area, style: Style(background: .blue))
        buffer.set(string: "ab", x: 0, y: 0, style: Style(foreground: .yellow, attributes: .bold))
        #expect(buffer.style(atX: 0, y: 0) == Style(foreground: .yellow, background: .blue, attributes: .bold))
        #expect(buffer.style(atX: 3, y: 0) == Style(background: .blue))
        #expect(buffer.style(atX: 4, y: 0) == nil)
    }

    @Test("fill replaces text and style inside the rectangle only")
    func fill() {
        var buffer = Buffer(lines: ["abcd", "efgh", "ijkl"])
        buffer.fill(Rect(x: 1, y: 1, width: 2, height: 5), style: Style(foreground: .red))
        #expect(buffer.lines() == ["abcd", "e  h", "i  l"])
        #expect(buffer.style(atX: 1, y: 2) == Style(foreground: .red))
        #expect(buffer.style(atX: 0, y: 2) == .plain)
    }

    @Test("fill does not leave half a wide character behind")
    func fillSplitsWide() {
        var buffer = Buffer(lines: ["日本語"])
        buffer.fill(Rect(x: 1, y: 0, width: 2, height: 1))
        #expect(buffer.lines() == ["    語"])
    }

    @Test("setStyle keeps the text and patches the style")
    func setStyle() {
        var buffer = Buffer(lines: ["row one", "row two"])
        buffer.set(string: "row", x: 0, y: 1, style: Style(attributes: .bold))
        buffer.setStyle(Rect(x: 0, y: 1, width: 7, height: 1), style: Style(background: .cyan).removing(.bold))
        #expect(buffer.lines() == ["row one", "row two"])
        #expect(buffer.style(atX: 0, y: 1) == Style(background: .cyan))
        #expect(buffer.style(atX: 0, y: 0) == .plain)
    }

    @Test("Buffer(lines:) equals a buffer drawn by hand, and pads short lines")
    func withLines() {
        var drawn = Buffer(width: 4, height: 2)
        drawn.set(string: "tags", x: 0, y: 0)
        drawn.set(string: "日", x: 0, y: 1)
        let expected = Buffer(lines: ["tags", "日"])
        #expect(expected.width == 4)
        #expect(expected.height == 2)
        #expect(drawn == expected)
        #expect(expected.lines() == ["tags", "日  "])
        #expect(drawn != Buffer(lines: ["tags", "本"]))
    }

    @Test("styled lines differ from plain ones")
    func withLinesStyle() {
        #expect(Buffer(lines: ["ab"], style: Style(attributes: .bold)) != Buffer(lines: ["ab"]))
    }
}
