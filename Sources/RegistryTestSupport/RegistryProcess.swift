import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A thread that lives as long as the test process and does nothing but start registries.
///
/// Registries are started through `setpriv --pdeathsig TERM`, which asks the kernel to send the
/// registry SIGTERM when its parent dies, so that a crashed or killed test run leaves no registry
/// behind (Foundation's `Process` cannot call `prctl(PR_SET_PDEATHSIG)` itself). The kernel ties
/// that signal to the *thread* that forked the child, not to the process: a registry started from
/// a thread of Swift's cooperative pool or a dispatch worker, which exit when idle, would be killed
/// in the middle of a test. Forking only from this thread, which never exits, avoids that.
final class LauncherThread: @unchecked Sendable {
    static let shared = LauncherThread()

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []

    private init() {
        let thread = Thread { [self] in self.serve() }
        thread.name = "regsweep-registry-launcher"
        thread.start()
    }

    /// Runs `job` on the launcher thread and returns its result.
    func run<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            jobs.append { continuation.resume(with: Result { try job() }) }
            condition.signal()
            condition.unlock()
        }
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty {
                condition.wait()
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

/// A running `docker-registry` process: started on the launcher thread, stopped with SIGTERM and
/// then SIGKILL.
final class RegistryProcess: @unchecked Sendable {
    private struct ExitState {
        var exited = false
        var waiters: [UUID: CheckedContinuation<Bool, Never>] = [:]
    }

    /// The registry's process id (the same as setpriv's, which execs the registry).
    let processIdentifier: Int32
    // Kept so that Foundation keeps watching the child; only read after `run()`.
    private let process: Process
    private let state: LockedBox<ExitState>

    private init(process: Process, state: LockedBox<ExitState>) {
        self.process = process
        self.processIdentifier = process.processIdentifier
        self.state = state
    }

    /// Starts `docker-registry serve configPath` with its standard output and error in `logPath`.
    static func launch(registry executable: String, configPath: String, logPath: String) async throws -> RegistryProcess
    {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestRegistryError.toolMissing(executable)
        }
        var command = [executable, "serve", configPath]
        let setpriv = "/usr/bin/setpriv"
        if FileManager.default.isExecutableFile(atPath: setpriv) {
            command = [setpriv, "--pdeathsig", "TERM", "--"] + command
        }
        let state = LockedBox(ExitState())
        let launchCommand = command
        return try await LauncherThread.shared.run {
            guard FileManager.default.createFile(atPath: logPath, contents: nil),
                let log = FileHandle(forWritingAtPath: logPath)
            else {
                throw TestRegistryError.startFailed(reason: "cannot write \(logPath)", logTail: "")
            }
            defer { try? log.close() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: launchCommand[0])
            process.arguments = Array(launchCommand.dropFirst())
            process.environment = ToolRunner.hermeticEnvironment()
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = log
            process.standardError = log
            process.terminationHandler = { _ in
                let waiters = state.withValue { state in
                    state.exited = true
                    defer { state.waiters = [:] }
                    return state.waiters.values
                }
                for waiter in waiters {
                    waiter.resume(returning: true)
                }
            }
            try process.run()
            return RegistryProcess(process: process, state: state)
        }
    }

    /// Whether the process has exited.
    var hasExited: Bool {
        state.withValue { $0.exited }
    }

    /// Waits until the process exits or `timeout` passes; returns whether it exited.
    ///
    /// Not cancellable on purpose: stopping must finish even in a cancelled task.
    func waitForExit(timeout: Duration) async -> Bool {
        let id = UUID()
        return await withCheckedContinuation { continuation in
            let alreadyExited = state.withValue { state in
                if !state.exited {
                    state.waiters[id] = continuation
                }
                return state.exited
            }
            if alreadyExited {
                continuation.resume(returning: true)
                return
            }
            let (seconds, attoseconds) = timeout.components
            let delay = Double(seconds) + Double(attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [state] in
                let waiter = state.withValue { $0.waiters.removeValue(forKey: id) }
                waiter?.resume(returning: false)
            }
        }
    }

    /// Stops the process: SIGTERM, then SIGKILL if it is still there after `grace`.
    func stop(grace: Duration = .seconds(3)) async {
        guard signal(SIGTERM) else { return }
        if await waitForExit(timeout: grace) { return }
        guard signal(SIGKILL) else { return }
        _ = await waitForExit(timeout: .seconds(10))
    }

    /// Sends `number` unless the process has already exited (and been reaped: its id may be reused).
    private func signal(_ number: Int32) -> Bool {
        state.withValue { state in
            if state.exited { return false }
            kill(processIdentifier, number)
            return true
        }
    }
}
