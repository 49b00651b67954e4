/// A rectangle of terminal cells: a column `x`, a row `y`, a width and a height.
///
/// Width and height are never negative; operations that would shrink a rectangle below zero return
/// an empty one instead, so layout code does not need to guard every subtraction.
public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    /// A rectangle; negative sizes are clamped to zero.
    public init(x: Int = 0, y: Int = 0, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// A rectangle at the origin covering `size`.
    public init(size: Size) {
        self.init(width: size.width, height: size.height)
    }

    /// The first column.
    public var left: Int { x }
    /// The first row.
    public var top: Int { y }
    /// One past the last column.
    public var right: Int { x + width }
    /// One past the last row.
    public var bottom: Int { y + height }
    /// Whether the rectangle covers no cell.
    public var isEmpty: Bool { width == 0 || height == 0 }
    /// The number of cells covered.
    public var area: Int { width * height }
    /// The width and height.
    public var size: Size { Size(width: width, height: height) }

    /// Whether the cell at column `x`, row `y` lies inside.
    public func contains(x column: Int, y row: Int) -> Bool {
        column >= x && column < right && row >= y && row < bottom
    }

    /// The rectangle shrunk by `margin` on every side.
    public func inner(margin: Int) -> Rect {
        inner(horizontal: margin, vertical: margin)
    }

    /// The rectangle shrunk by `horizontal` columns left and right and `vertical` rows top and bottom.
    public func inner(horizontal: Int, vertical: Int) -> Rect {
        let newWidth = width - 2 * horizontal
        let newHeight = height - 2 * vertical
        guard newWidth > 0, newHeight > 0 else {
            return Rect(x: x + min(horizontal, width / 2), y: y + min(vertical, height / 2), width: 0, height: 0)
        }
        return Rect(x: x + horizontal, y: y + vertical, width: newWidth, height: newHeight)
    }

    /// The cells both rectangles cover (empty when they do not overlap).
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(self.right, other.right)
        let bottom = min(self.bottom, other.bottom)
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }
}
