import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one posix_spawn set-up of the test support's child processes (`ChildProcess`,
/// `RunningChild`): standard streams from and to files (never pipes, which a chatty child could
/// fill and block on), its own process group (so a kill reaches what it started, and a terminal's
/// Ctrl-C during the test run does not reach it), and an empty signal mask (a child started from a
/// thread that blocks signals still gets them).
enum Spawn {
    /// Starts `executable`; returns its pid. `defaultSignals` are reset to their default action
    /// in the child, so that, say, SIGINT is live even if the test process ignores it.
    static func start(
        _ executable: String, _ arguments: [String], environment: [String: String]?, stdin: String,
        stdout: String, stderr: String, defaultSignals: [Int32] = []
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
        if !defaultSignals.isEmpty {
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in defaultSignals { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            flags |= POSIX_SPAWN_SETSIGDEF
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let pairs = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid = pid_t()
        let code = withCStrings([executable] + arguments) { argv in
            withCStrings(pairs) { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        }
        guard code == 0 else { throw ChildProcess.LaunchFailure(executable: executable, code: code) }
        return pid
    }

    /// A NULL-terminated C string array for the duration of `body`.
    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
