import Foundation
import RegistryTestSupport

/// What a finished child process left behind.
typealias ProcessResult = ChildProcess.Result

/// Runs command-line tools (the binary, skopeo, tmux) from tests, through `ChildProcess`.
enum ProcessRunner {
    static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> ProcessResult {
        try await ChildProcess.run(executable, arguments, stdin: stdin, environment: environment, timeout: timeout)
    }
}
