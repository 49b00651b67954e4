/// A small deterministic random number generator (SplitMix64), so that a seed repeats a run.
///
/// Not for secrets: its only job is that the same seed gives the same sequence on every machine,
/// which `SystemRandomNumberGenerator` cannot promise.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// A uniform draw from [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
