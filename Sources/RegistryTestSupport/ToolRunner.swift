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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = hermeticEnvironment()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Drain stderr on another thread so that neither pipe can fill up and block the tool.
        let errorData = LockedBox(Data())
        let errorsRead = DispatchSemaphore(value: 0)
        Thread {
            let data = (try? errors.fileHandleForReading.readToEnd()) ?? Data()
            errorData.withValue { $0 = data }
            errorsRead.signal()
        }.start()
        let outputData = (try? output.fileHandleForReading.readToEnd()) ?? Data()
        errorsRead.wait()
        process.waitUntilExit()
        let standardOutput = String(decoding: outputData, as: UTF8.self)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let standardError = errorData.withValue { String(decoding: $0, as: UTF8.self) }
            throw TestRegistryError.toolFailed(
                command: ([executable] + arguments).joined(separator: " "),
                status: process.terminationStatus,
                output: standardError.isEmpty ? standardOutput : standardError
            )
        }
        return standardOutput
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
