import Foundation
import RegistryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `regsweep` binary in a real terminal: a tmux session on a tmux server of its own.
///
/// The browser runs inside a small shell wrapper that prints a marker and the terminal modes
/// (`stty -g`) before and after, so a test can see that quitting left the terminal as it was. Screens
/// are read with `capture-pane` and polled until the expected text shows, with a deadline.
struct BrowserTmux: Sendable {
    /// A private tmux socket: the test's server is independent of any other tmux on the machine.
    let socket: String
    let session = "browse"
    /// A temporary HOME for the run: journals, caches, the wrapper's files.
    let home: String

    struct Timeout: Error, CustomStringConvertible {
        var waitingFor: String
        var screen: String
        var description: String { "timed out waiting for \(waitingFor); the screen was:\n\(screen)" }
    }

    struct TmuxFailure: Error, CustomStringConvertible {
        var arguments: [String]
        var message: String
        var description: String { "tmux \(arguments.joined(separator: " ")) failed: \(message)" }
    }

    /// Starts `regsweep ARGUMENTS` in a `width`×`height` terminal, runs `body`, then kills the tmux
    /// server and removes the temporary HOME.
    static func with<T>(
        _ arguments: [String], width: Int = 100, height: Int = 30, environment: [String: String] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (BrowserTmux) async throws -> T
    ) async throws -> T {
        let tmux = try BrowserTmux()
        defer { tmux.cleanUp() }
        try await tmux.start(arguments, width: width, height: height, environment: environment)
        do {
            let result = try await body(tmux)
            _ = try? await tmux.run(["kill-server"])
            return result
        } catch {
            _ = try? await tmux.run(["kill-server"])
            throw error
        }
    }

    private init() throws {
        let id = UUID().uuidString.prefix(8).lowercased()
        socket = "regsweep-test-\(id)"
        home = FileManager.default.temporaryDirectory.path + "/regsweep-browse-\(id)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // The wrapper: a marker, the modes before, the browser (its pid in a file, for signals), the modes
        // after, whether they are the same, the exit status; then it stays so the pane can be read.
        let wrapper = """
            printf 'BEFORE-MARK\\n'
            stty -g > "$HOME/tty-before"
            sh -c 'echo $$ > "$HOME/pid"; exec "$@"' wrapper "$@"
            status=$?
            stty -g > "$HOME/tty-after"
            if cmp -s "$HOME/tty-before" "$HOME/tty-after"; then echo TTY-SAME; else echo TTY-DIFF; fi
            echo "EXIT:$status"
            sleep 600
            """
        try Data(wrapper.utf8).write(to: URL(fileURLWithPath: home + "/run.sh"))
    }

    private func cleanUp() {
        try? FileManager.default.removeItem(atPath: home)
    }

    private func start(_ arguments: [String], width: Int, height: Int, environment: [String: String]) async throws {
        var variables = [
            "HOME": home, "XDG_STATE_HOME": home + "/state", "XDG_CACHE_HOME": home + "/cache", "LANG": "C.UTF-8",
            "TERM": "screen-256color", "PATH": "/usr/local/bin:/usr/bin:/bin",
        ]
        variables.merge(environment) { _, new in new }
        let env = ["/usr/bin/env", "-i"] + variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        try await run(
            ["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), "--"] + env
                + ["/bin/sh", home + "/run.sh", try CLI.binary()] + arguments)
    }

    /// Runs a tmux command on this test's server.
    @discardableResult
    func run(_ arguments: [String]) async throws -> String {
        let all = ["-L", socket, "-f", "/dev/null"] + arguments
        let result = try await ChildProcess.run("/usr/bin/tmux", all, timeout: .seconds(20))
        guard result.status == 0 else { throw TmuxFailure(arguments: all, message: result.stderrText) }
        return result.stdoutText
    }

    /// The screen as text, one line per row.
    func screen() async throws -> String {
        try await run(["capture-pane", "-p", "-t", session])
    }

    /// Waits until the screen satisfies `condition` and has settled, polling; throws with the screen
    /// at the deadline.
    ///
    /// Settled means a second capture a moment later is the same text. A full repaint is larger than
    /// one read from the terminal, so tmux can show a frame half drawn: the new pane title above the
    /// old pane's rows. A condition met by the top of a frame must not hand the caller its bottom
    /// from the frame before.
    @discardableResult
    func wait(
        for description: String, timeout: Duration = .seconds(30), _ condition: (String) -> Bool
    ) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last = ""
        while clock.now < deadline {
            last = try await screen()
            if condition(last) {
                try await Task.sleep(for: .milliseconds(60))
                let again = try await screen()
                if again == last { return again }
                last = again
                continue
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Timeout(waitingFor: description, screen: last)
    }

    /// Waits until `text` shows on the screen.
    @discardableResult
    func wait(for text: String, timeout: Duration = .seconds(30)) async throws -> String {
        try await wait(for: "'\(text)'", timeout: timeout) { $0.contains(text) }
    }

    /// Presses keys by tmux name (`Enter`, `Escape`, `C-c`, `j`, `D`).
    func press(_ keys: String...) async throws {
        try await run(["send-keys", "-t", session] + keys)
    }

    /// Types text literally, character by character as the terminal delivers it.
    func type(_ text: String) async throws {
        try await run(["send-keys", "-t", session, "-l", text])
    }

    /// Resizes the terminal, as a user dragging the window does.
    func resize(width: Int, height: Int) async throws {
        try await run(["resize-window", "-t", session, "-x", String(width), "-y", String(height)])
    }

    /// The browser's process id, once it started.
    func pid() throws -> pid_t {
        let text = try String(contentsOfFile: home + "/pid", encoding: .utf8)
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TmuxFailure(arguments: ["pid"], message: "no pid in \(home)/pid: '\(text)'")
        }
        return pid
    }

    /// The rows of the screen that hold `text`.
    static func rows(_ screen: String, containing text: String) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }
}
