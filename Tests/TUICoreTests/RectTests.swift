import TUICore
import Testing

@Suite("Rect and layout")
struct RectTests {
    let screen = Rect(x: 0, y: 0, width: 80, height: 24)

    @Test("edges and emptiness")
    func edges() {
        let rect = Rect(x: 2, y: 3, width: 10, height: 5)
        #expect(rect.right == 12)
        #expect(rect.bottom == 8)
        #expect(rect.area == 50)
        #expect(!rect.isEmpty)
        #expect(Rect(width: -3, height: 4).width == 0)
        #expect(Rect(width: 0, height: 4).isEmpty)
        #expect(rect.contains(x: 2, y: 3))
        #expect(!rect.contains(x: 12, y: 3))
    }

    @Test("inner shrinks on every side and never goes negative")
    func inner() {
        #expect(screen.inner(margin: 1) == Rect(x: 1, y: 1, width: 78, height: 22))
        #expect(screen.inner(horizontal: 2, vertical: 0) == Rect(x: 2, y: 0, width: 76, height: 24))
        #expect(Rect(width: 3, height: 3).inner(margin: 2).isEmpty)
    }

    @Test("intersection")
    func intersection() {
        let a = Rect(x: 0, y: 0, width: 10, height: 10)
        #expect(a.intersection(Rect(x: 5, y: 5, width: 10, height: 10)) == Rect(x: 5, y: 5, width: 5, height: 5))
        #expect(a.intersection(Rect(x: 20, y: 0, width: 5, height: 5)).isEmpty)
    }

    @Test("rows: header, body, footer")
    func rows() {
        let parts = screen.rows([.length(1), .fill, .length(1)])
        #expect(
            parts == [
                Rect(x: 0, y: 0, width: 80, height: 1),
                Rect(x: 0, y: 1, width: 80, height: 22),
                Rect(x: 0, y: 23, width: 80, height: 1),
            ]
        )
    }

    @Test("columns: percentage and fill")
    func columns() {
        let parts = screen.columns([.percentage(30), .fill])
        #expect(parts == [Rect(x: 0, y: 0, width: 24, height: 24), Rect(x: 24, y: 0, width: 56, height: 24)])
    }

    @Test("fill slots share the rest, first ones get the odd cells")
    func fillShares() {
        let parts = Rect(width: 10, height: 1).columns([.length(3), .fill, .fill])
        #expect(parts.map(\.width) == [3, 4, 3])
        #expect(parts.map(\.x) == [0, 3, 7])
    }

    @Test("fixed slots are squeezed when space runs out")
    func squeeze() {
        let parts = Rect(width: 5, height: 5).rows([.length(3), .length(4), .fill])
        #expect(parts.map(\.height) == [3, 2, 0])
        #expect(parts.map(\.y) == [0, 3, 5])
    }

    @Test("divided at a row or a column")
    func divided() {
        let (top, bottom) = screen.divided(atRow: 20)
        #expect(top == Rect(x: 0, y: 0, width: 80, height: 20))
        #expect(bottom == Rect(x: 0, y: 20, width: 80, height: 4))
        let (left, right) = screen.divided(atColumn: 100)
        #expect(left == screen)
        #expect(right.isEmpty)
        #expect(right.x == 80)
    }

    @Test("centered dialogs")
    func centered() {
        #expect(screen.centered(width: 40, height: 10) == Rect(x: 20, y: 7, width: 40, height: 10))
        #expect(
            Rect(x: 5, y: 5, width: 10, height: 4).centered(width: 50, height: 2)
                == Rect(x: 5, y: 6, width: 10, height: 2))
    }
}
