/// A cell that changed between two frames, at column `x` and row `y`; what a backend has to redraw.
public struct CellUpdate: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var cell: Cell

    public init(x: Int, y: Int, cell: Cell) {
        self.x = x
        self.y = y
        self.cell = cell
    }
}
