import Foundation

/// Runs the short-lived command-line tools the harness needs (`openssl`, `htpasswd`).
enum ToolRunner {
    /// Runs `executable` with `arguments` and returns its standard output (standard error is kept
    /// for the error message).
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await onDedicatedThread { try runBlocking(executable, arguments) }
    }

    /// Runs blocking `work` on a thread of its own and returns its result.
    ///
    /// Never on `DispatchQueue.global()`: on Linux its threads are the ones Swift's cooperative pool
    /// runs on, only as many as cores, so a few blocked tool runs stall every task in the test
    /// process until Dispatch notices (about a second per stall, measured).
    static func onDedicatedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestRegistryError.toolMissing(executable)
        }
        let result = try ChildProcess.runBlocking(
            executable, arguments, environment: hermeticEnvironment(), timeout: .seconds(120))
        guard result.status == 0 else {
            throw TestRegistryError.toolFailed(
                command: ([executable] + arguments).joined(separator: " "), status: result.status,
                output: result.stderr.isEmpty ? result.stdoutText : result.stderrText)
        }
        return result.stdoutText
    }

    /// The current environment without `REGISTRY_*` variables: distribution reads them as overrides
    /// of its configuration file, and a stray one on a developer's machine must not change the tests.
    static func hermeticEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("REGISTRY_") }
    }
}

/// A value behind a lock, for the little shared mutable state the harness has.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
