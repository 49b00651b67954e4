extension Buffer {
    /// The cells that differ from `previous`, row by row: what a backend must redraw to turn the
    /// terminal showing `previous` into one showing `self`.
    ///
    /// When the sizes differ every cell is returned, because the terminal has to be repainted anyway.
    /// Continuation cells are included; backends skip drawing them (the wide grapheme to their left
    /// covers them) but must not treat them as unchanged.
    public func diff(from previous: Buffer) -> [CellUpdate] {
        let sameSize = previous.width == width && previous.height == height
        var updates: [CellUpdate] = []
        for row in 0..<height {
            for column in 0..<width {
                let index = row * width + column
                if sameSize && previous.cells[index] == cells[index] { continue }
                updates.append(CellUpdate(x: column, y: row, cell: cells[index]))
            }
        }
        return updates
    }

    /// Every cell as an update, for the first frame or after the terminal was cleared.
    public func allCells() -> [CellUpdate] {
        var updates: [CellUpdate] = []
        updates.reserveCapacity(cells.count)
        for row in 0..<height {
            for column in 0..<width {
                updates.append(CellUpdate(x: column, y: row, cell: cells[row * width + column]))
            }
        }
        return updates
    }
}
