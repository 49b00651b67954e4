extension Rect {
    /// Stacks slots top to bottom (header, body, footer), sized by `constraints`.
    ///
    /// Returns one rectangle per constraint, each as wide as `self`.
    public func rows(_ constraints: [Constraint]) -> [Rect] {
        Rect.lengths(of: constraints, within: height).map { slot in
            Rect(x: x, y: y + slot.offset, width: width, height: slot.length)
        }
    }

    /// Places slots side by side, left to right (list pane, detail pane), sized by `constraints`.
    ///
    /// Returns one rectangle per constraint, each as tall as `self`.
    public func columns(_ constraints: [Constraint]) -> [Rect] {
        Rect.lengths(of: constraints, within: width).map { slot in
            Rect(x: x + slot.offset, y: y, width: slot.length, height: height)
        }
    }

    /// Cuts the rectangle by a horizontal line `row` rows below its top.
    public func divided(atRow row: Int) -> (top: Rect, bottom: Rect) {
        let cut = min(max(0, row), height)
        return (
            Rect(x: x, y: y, width: width, height: cut),
            Rect(x: x, y: y + cut, width: width, height: height - cut)
        )
    }

    /// Cuts the rectangle by a vertical line `column` columns right of its left edge.
    public func divided(atColumn column: Int) -> (left: Rect, right: Rect) {
        let cut = min(max(0, column), width)
        return (
            Rect(x: x, y: y, width: cut, height: height),
            Rect(x: x + cut, y: y, width: width - cut, height: height)
        )
    }

    /// A rectangle of at most `width` × `height` centred in this one (dialogs, the help overlay).
    public func centered(width: Int, height: Int) -> Rect {
        let clampedWidth = min(max(0, width), self.width)
        let clampedHeight = min(max(0, height), self.height)
        return Rect(
            x: x + (self.width - clampedWidth) / 2,
            y: y + (self.height - clampedHeight) / 2,
            width: clampedWidth,
            height: clampedHeight
        )
    }

    /// Offsets and lengths of the slots along one axis of `total` cells.
    ///
    /// Fixed slots are served first, in order, each capped by what is left, so a too-small terminal
    /// squeezes the last slots rather than overflowing. Fill slots share the rest equally; the first
    /// ones get the odd cells.
    private static func lengths(of constraints: [Constraint], within total: Int) -> [(offset: Int, length: Int)] {
        var remaining = max(0, total)
        var lengths = [Int](repeating: 0, count: constraints.count)
        var fillIndices: [Int] = []
        for (index, constraint) in constraints.enumerated() {
            let wanted: Int
            switch constraint {
            case .length(let length):
                wanted = length
            case .percentage(let percent):
                wanted = max(0, total) * min(max(0, percent), 100) / 100
            case .fill:
                fillIndices.append(index)
                continue
            }
            let granted = min(max(0, wanted), remaining)
            lengths[index] = granted
            remaining -= granted
        }
        if !fillIndices.isEmpty {
            let share = remaining / fillIndices.count
            let extra = remaining % fillIndices.count
            for (position, index) in fillIndices.enumerated() {
                lengths[index] = share + (position < extra ? 1 : 0)
            }
        }
        var offset = 0
        return lengths.map { length in
            defer { offset += length }
            return (offset, length)
        }
    }
}
