import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `wait4`, so that its own CPU time is
/// known (`RUSAGE_CHILDREN` would add up every child reaped so far, skopeo and wrk included).
///
/// Its peak memory is another matter: see `run(_:_:peakBy:…)`.
final class Child: Sendable {
    /// What a finished child used.
    struct Usage: Sendable {
        var status: Int32
        var wall: Duration
        var peakRSSBytes: Int
        var userSeconds: Double
        var systemSeconds: Double
    }

    /// Why a child could not be started.
    struct LaunchFailure: Error, CustomStringConvertible {
        var executable: String
        var code: Int32
        var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    let pid: pid_t
    let started: ContinuousClock.Instant

    private init(pid: pid_t, started: ContinuousClock.Instant) {
        self.pid = pid
        self.started = started
    }

    /// Starts `executable` with stdin from /dev/null and stdout/stderr into files (a file never
    /// fills up and blocks a chatty child the way a pipe does).
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], stdout: String, stderr: String
    ) throws -> Child {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The default signal mask: a child started from a thread that blocks signals still gets them.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let pairs = environment.map { "\($0.key)=\($0.value)" }
        var pid = pid_t()
        let started = ContinuousClock.now
        let code = withCStrings([executable] + arguments) { argv in
            withCStrings(pairs) { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        }
        guard code == 0 else { throw LaunchFailure(executable: executable, code: code) }
        return Child(pid: pid, started: started)
    }

    /// Runs `executable` to completion and returns what it used.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], stdout: String, stderr: String,
        timeout: Duration
    ) async throws -> Usage {
        let child = try spawn(executable, arguments, environment: environment, stdout: stdout, stderr: stderr)
        return await child.wait(timeout: timeout)
    }

    /// Runs `executable` under GNU time, whose report of the child's peak replaces `wait4`'s.
    ///
    /// `wait4`'s `ru_maxrss` is never below this process's own peak: glibc's `posix_spawn` starts
    /// the child with `vfork`, in this process's memory until the exec, and at the exec the kernel
    /// keeps the high-water mark of the memory it leaves as the child's (`setmax_mm_hiwater_rss` in
    /// fs/exec.c). After the benchmark had read a 100,000-tag cold run's access log, every later
    /// child "peaked" at 474 MB, whatever it used. GNU time is small and forks: the peak it reports
    /// is the command's own.
    static func run(
        _ executable: String, _ arguments: [String], peakBy time: String, environment: [String: String],
        stdout: String, stderr: String, timeout: Duration
    ) async throws -> Usage {
        let report = stderr + ".peak"
        try? FileManager.default.removeItem(atPath: report)
        var usage = try await run(
            time, ["-f", "%M", "-o", report, executable] + arguments, environment: environment, stdout: stdout,
            stderr: stderr, timeout: timeout)
        // `-o` gets "Command exited with non-zero status N" first when it did; the figure is last.
        let lines = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(separator: "\n")
        guard let kilobytes = lines.last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw PeakUnknown(description: "GNU time left no peak in \(report) for \(executable)")
        }
        usage.peakRSSBytes = kilobytes * 1024
        return usage
    }

    struct PeakUnknown: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends a signal to the child.
    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits on a thread of its own (never one of the cooperative pool's two), killing the child
    /// if it runs past `timeout`.
    func wait(timeout: Duration) async -> Usage {
        let pid = self.pid
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            // A wrapper's command first (GNU time does not pass SIGKILL on), then the child.
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ").compactMap({ pid_t($0) }) { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
        }
        defer { watchdog.cancel() }
        let started = self.started
        return await withCheckedContinuation { continuation in
            Thread {
                var status: Int32 = 0
                var usage = rusage()
                while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
                let wall = ContinuousClock.now - started
                let exited = status & 0x7f == 0
                continuation.resume(
                    returning: Usage(
                        status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), wall: wall,
                        peakRSSBytes: usage.ru_maxrss * 1024,
                        userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
                        systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6))
            }.start()
        }
    }

    /// The absolute path of a tool on `PATH`, or nil.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A NULL-terminated C string array for the duration of `body`.
    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
