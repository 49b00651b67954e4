import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started in the background, for tests that signal it while it runs (SIGINT,
/// SIGKILL) and then collect what it left behind.
///
/// Started with posix_spawn in its own process group and reaped by pid, like `ChildProcess` (not
/// Foundation's `Process`, which hangs on Linux). Output goes to files, never pipes, so a chatty
/// child cannot block; `stdoutSoFar` reads what it has written up to now.
public final class RunningChild: Sendable {
    /// How a finished child ended.
    public struct Outcome: Sendable {
        /// The exit status when it exited, `128 + signal` when a signal ended it.
        public var status: Int32
        /// The signal that ended it, or nil when it exited by itself.
        public var signal: Int32?
        /// Whether `wait(timeout:)` had to kill it.
        public var timedOut: Bool
        public var stdout: Data
        public var stderr: Data

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        /// Whether it exited by itself (not ended by a signal).
        public var exitedByItself: Bool { signal == nil }
        /// The way it ended and both outputs, for failure messages.
        public var summary: String {
            let end = signal.map { "killed by signal \($0)" } ?? "exit \(status)"
            return "\(end)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdoutText)--- stderr\n\(stderrText)"
        }
    }

    /// The child's process id (and process group id).
    public let processIdentifier: pid_t
    private let folder: URL
    private let reaped: LockedBox<Int32?>

    private init(processIdentifier: pid_t, folder: URL) {
        self.processIdentifier = processIdentifier
        self.folder = folder
        reaped = LockedBox(nil)
    }

    /// Starts `executable` with `arguments` and returns at once.
    public static func start(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil
    ) throws -> RunningChild {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "regsweep-running-child-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let outPath = folder.appendingPathComponent("stdout").path
        let errPath = folder.appendingPathComponent("stderr").path

        // SIGINT, SIGTERM and SIGPIPE at their defaults: the tests send them and expect them live.
        let pid: pid_t
        do {
            pid = try Spawn.start(
                executable, arguments, environment: environment, stdin: "/dev/null", stdout: outPath, stderr: errPath,
                defaultSignals: [SIGINT, SIGTERM, SIGPIPE])
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        return RunningChild(processIdentifier: pid, folder: folder)
    }

    /// Starts a child, runs `body` with it, and when `body` throws kills the child's process group
    /// and reaps it, so that a failing test leaves nothing running. `body` should `wait` itself.
    public static func with<T>(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        isolation: isolated (any Actor)? = #isolation, _ body: (RunningChild) async throws -> T
    ) async throws -> T {
        let child = try start(executable, arguments, environment: environment)
        do {
            return try await body(child)
        } catch {
            child.reaped.withValue { status in
                if status == nil { kill(-child.processIdentifier, SIGKILL) }
            }
            _ = try? await child.wait(timeout: .seconds(10))
            throw error
        }
    }

    /// Sends `signal` to the child unless it has already been reaped (its pid may be reused then).
    public func send(_ signal: Int32) {
        reaped.withValue { status in
            if status == nil { kill(processIdentifier, signal) }
        }
    }

    /// What the child has written to standard output so far.
    public var stdoutSoFar: String {
        String(decoding: (try? Data(contentsOf: folder.appendingPathComponent("stdout"))) ?? Data(), as: UTF8.self)
    }

    /// What the child has written to standard error so far.
    public var stderrSoFar: String {
        String(decoding: (try? Data(contentsOf: folder.appendingPathComponent("stderr"))) ?? Data(), as: UTF8.self)
    }

    /// Waits (on a thread of its own, polling) until the child ends; kills its process group at
    /// `timeout`. Returns its outcome and removes its output files.
    public func wait(timeout: Duration = .seconds(60)) async throws -> Outcome {
        try await ToolRunner.onDedicatedThread { self.waitBlocking(timeout: timeout) }
    }

    private func waitBlocking(timeout: Duration) -> Outcome {
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        var timedOut = false
        while true {
            let done = reaped.withValue { reapedStatus -> Bool in
                if reapedStatus != nil { return true }
                let result = waitpid(processIdentifier, &status, WNOHANG)
                if result == processIdentifier || (result == -1 && errno != EINTR) {
                    reapedStatus = status
                    return true
                }
                return false
            }
            if done { break }
            if ContinuousClock.now > deadline && !timedOut {
                timedOut = true
                kill(-processIdentifier, SIGKILL)
            }
            usleep(5000)
        }
        let final = reaped.withValue { $0 } ?? status
        let signalled = final & 0x7f
        let outcome = Outcome(
            status: signalled == 0 ? (final >> 8) & 0xff : 128 + signalled, signal: signalled == 0 ? nil : signalled,
            timedOut: timedOut,
            stdout: (try? Data(contentsOf: folder.appendingPathComponent("stdout"))) ?? Data(),
            stderr: (try? Data(contentsOf: folder.appendingPathComponent("stderr"))) ?? Data())
        try? FileManager.default.removeItem(at: folder)
        return outcome
    }
}
