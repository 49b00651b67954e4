import Foundation
import RegistryBrowser
import TUICore

/// The browser's run loop: read a key (briefly), take the effects' results, update, draw.
///
/// It runs on the main actor, like the terminal. Effects run as child tasks of one task group, so
/// nothing outlives the session: quitting cancels them and waits for them.
@MainActor
struct BrowseSession {
    let program: BrowserProgram
    let effects: BrowseEffects
    /// Hands the terminal back and stops the process (Ctrl-Z); the terminal is taken back on `fg`.
    let suspend: @MainActor () -> Void
    /// Gives the terminal back to the shell; called as soon as the user quits, before the wait for
    /// effects to wind down, so the shell is back at once.
    let release: @MainActor () -> Void

    /// How long one wait for a key or a message lasts at most; either ends it at once. It bounds
    /// how late the spinner and the clock move, nothing else.
    static let waitMilliseconds: Int32 = 40
    /// How often time advances for the spinner and the deletion rate while something is busy.
    static let tickInterval: TimeInterval = 0.1

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            var quitting = dispatch(program.model.start(), into: &group)
            program.draw(force: true)
            var lastTick = Date()
            var wasBusy = true
            while !quitting {
                // Keys ncurses already holds first (a read can bring several); only with none left
                // does the loop sleep, until the terminal or an effect has something.
                var commands = program.pollKey(timeoutMilliseconds: 0)
                if commands == nil {
                    effects.mailbox.wait(orInput: STDIN_FILENO, milliseconds: Self.waitMilliseconds)
                    commands = program.pollKey(timeoutMilliseconds: 0)
                }
                if let commands {
                    quitting = dispatch(commands, into: &group) || quitting
                }
                for message in effects.mailbox.drain() {
                    quitting = dispatch(program.send(message), into: &group) || quitting
                }
                let now = Date()
                if now.timeIntervalSince(lastTick) >= (program.isBusy ? Self.tickInterval : 1) {
                    lastTick = now
                    quitting = dispatch(program.send(.tick(now)), into: &group) || quitting
                }
                if !quitting { program.draw() }
                // Once loads and plans have settled, what they freed goes back to the system (off
                // the main actor: trimming a few hundred megabytes of arenas takes a moment).
                let busy = program.isBusy
                if wasBusy && !busy && !quitting { group.addTask { FreedMemory.release() } }
                wasBusy = busy
                // Let the effects' continuations that hop to the main actor (none today) run.
                await Task.yield()
            }
            release()
            group.cancelAll()
        }
    }

    /// Starts each command's effect as a child task; returns whether one of them was `quit`.
    private func dispatch(_ commands: [BrowserCommand], into group: inout TaskGroup<Void>) -> Bool {
        var quit = false
        for command in commands {
            switch command {
            case .quit:
                quit = true
            case .suspend:
                suspend()
                program.draw(force: true)
            default:
                let effects = self.effects
                group.addTask { await effects.run(command) }
            }
        }
        return quit
    }
}
