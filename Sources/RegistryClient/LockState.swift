/// Which changes a registry refuses for one tag or manifest (ACR's `changeableAttributes`): a
/// write-locked tag cannot be moved, a delete-locked one cannot be deleted. Generic registries
/// have no locks, so everything there is `.none`.
public struct LockState: OptionSet, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `writeEnabled: false`.
    public static let write = LockState(rawValue: 1)
    /// `deleteEnabled: false`.
    public static let delete = LockState(rawValue: 2)
    public static let none: LockState = []

    /// ACR's switches as a lock: a switch that is absent is taken as enabled, as ACR does.
    public init(deleteEnabled: Bool?, writeEnabled: Bool?) {
        var state: LockState = []
        if deleteEnabled == false { state.insert(.delete) }
        if writeEnabled == false { state.insert(.write) }
        self = state
    }

    public var isLocked: Bool { !isEmpty }

    /// "delete-locked", "write-locked", "delete- and write-locked", or "unlocked".
    public var description: String {
        switch (contains(.delete), contains(.write)) {
        case (true, true): return "delete- and write-locked"
        case (true, false): return "delete-locked"
        case (false, true): return "write-locked"
        case (false, false): return "unlocked"
        }
    }
}
