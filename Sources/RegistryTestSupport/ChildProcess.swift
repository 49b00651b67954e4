import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command to completion with posix_spawn and waitpid, with a hard timeout.
///
/// Not Foundation's `Process`: on Linux its `waitUntilExit()` was seen to wait forever for a child
/// that had already exited (a `tmux` client left `<defunct>`), which hangs a whole test run. Here the
/// caller reaps its own child by pid, polling, so nothing else can miss the exit.
public enum ChildProcess {
    /// What a finished child left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        /// Whether it was killed for running past its timeout.
        public var timedOut: Bool

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        /// The exit status and both outputs, for failure messages.
        public var summary: String {
            "exit \(status)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdoutText)--- stderr\n\(stderrText)"
        }
    }

    public struct LaunchFailure: Error, CustomStringConvertible {
        public var executable: String
        public var code: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Runs `executable` on a thread of its own (never one of Swift's cooperative pool, which has
    /// only as many threads as cores) and returns when it exits or is killed at `timeout`.
    public static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Swift.Result {
                        try runBlocking(executable, arguments, stdin: stdin, environment: environment, timeout: timeout)
                    })
            }.start()
        }
    }

    /// The blocking form of `run`.
    public static func runBlocking(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> Result {
        // Files, not pipes: a chatty child can never fill a pipe and block.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "regsweep-child-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inPath = folder.appendingPathComponent("stdin").path
        let outPath = folder.appendingPathComponent("stdout").path
        let errPath = folder.appendingPathComponent("stderr").path
        try (stdin ?? Data()).write(to: URL(fileURLWithPath: inPath))

        let pid = try Spawn.start(
            executable, arguments, environment: environment, stdin: stdin == nil ? "/dev/null" : inPath,
            stdout: outPath, stderr: errPath)

        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        var timedOut = false
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped == -1 && errno != EINTR) { break }
            if ContinuousClock.now > deadline && !timedOut {
                timedOut = true
                kill(-pid, SIGKILL)
            }
            usleep(5000)
        }
        let exited = status & 0x7f == 0
        return Result(
            status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            stdout: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(),
            stderr: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), timedOut: timedOut)
    }
}
