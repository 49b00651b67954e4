import TUICore
import Testing

@Suite("Buffer diff")
struct DiffTests {
    @Test("identical buffers have no differences")
    func identical() {
        let buffer = Buffer(lines: ["abc", "def"])
        #expect(buffer.diff(from: buffer).isEmpty)
    }

    @Test("changed text and changed style are reported with positions")
    func changes() {
        let previous = Buffer(lines: ["abc", "def"])
        var next = previous
        next.set(string: "X", x: 1, y: 0)
        next.setStyle(Rect(x: 2, y: 1, width: 1, height: 1), style: Style(attributes: .reverse))
        #expect(
            next.diff(from: previous) == [
                CellUpdate(x: 1, y: 0, cell: Cell(symbol: "X")),
                CellUpdate(x: 2, y: 1, cell: Cell(symbol: "f", style: Style(attributes: .reverse))),
            ]
        )
    }

    @Test("a wide character reports its cell and its continuation")
    func wide() {
        let previous = Buffer(lines: ["abcd"])
        var next = previous
        next.set(string: "日", x: 1, y: 0)
        let updates = next.diff(from: previous)
        #expect(updates.map(\.x) == [1, 2])
        #expect(updates[1].cell.isContinuation)
    }

    @Test("a size change reports every cell")
    func resized() {
        let next = Buffer(lines: ["ab", "cd"])
        #expect(next.diff(from: Buffer(lines: ["ab"])).count == 4)
        #expect(next.allCells().count == 4)
    }
}
