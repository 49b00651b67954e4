import TUICore

/// Drives a `BrowserModel` on a terminal: keys in, frames out. It runs no effects; it hands the
/// model's commands back to its caller (the run loop), which runs them and sends their results in.
///
/// `@MainActor` because terminal backends are: every curses call stays on one thread.
@MainActor
public final class BrowserProgram {
    public private(set) var model: BrowserModel
    public let backend: any TerminalBackend
    /// Whether the state changed since the last frame was drawn.
    public private(set) var needsDraw = true

    public init(model: BrowserModel, backend: any TerminalBackend) {
        self.model = model
        self.backend = backend
        if model.size != backend.size { _ = self.model.update(.resized(backend.size)) }
    }

    /// Applies a message and returns the commands it asked for. `redraw` is handled here.
    public func send(_ message: BrowserMessage) -> [BrowserCommand] {
        let commands = model.update(message)
        needsDraw = true
        return commands.filter { command in
            if case .redraw = command {
                backend.invalidate()
                return false
            }
            return true
        }
    }

    /// Waits up to `timeoutMilliseconds` for a key and handles it; nil when none came.
    ///
    /// A resize arrives as a key; the new size is read from the backend.
    public func pollKey(timeoutMilliseconds: Int) -> [BrowserCommand]? {
        guard let key = backend.readKey(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        if key == .resize { return send(.resized(backend.size)) }
        return send(.key(key))
    }

    /// Draws a frame when something changed (or always, with `force`).
    public func draw(force: Bool = false) {
        guard needsDraw || force else { return }
        var buffer = Buffer(size: backend.size)
        model.render(into: &buffer)
        backend.draw(buffer)
        needsDraw = false
    }

    /// Whether the spinner is turning (listing, loading, planning, deleting), so ticks need a redraw.
    public var isBusy: Bool {
        model.repositoryNames == nil || model.execution != nil || model.isPlanning
            || model.loads.values.contains { if case .loading = $0 { return true } else { return false } }
    }
}
