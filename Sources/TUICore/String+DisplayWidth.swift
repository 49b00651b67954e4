extension String {
    /// The number of terminal columns this text occupies; see `DisplayWidth`.
    public var displayWidth: Int {
        DisplayWidth.of(self)
    }
}
