/// Why the harness could not provide a registry or a token issuer.
public enum TestRegistryError: Error, Sendable, CustomStringConvertible {
    /// A command-line tool the harness needs is not installed.
    case toolMissing(String)
    /// A command-line tool exited with a failure.
    case toolFailed(command: String, status: Int32, output: String)
    /// `docker-registry` exited or did not answer in time; `logTail` is the end of its log.
    case startFailed(reason: String, logTail: String)
    /// The token issuer could not be started.
    case issuerFailed(String)

    public var description: String {
        switch self {
        case .toolMissing(let path):
            return "\(path) is not installed (see scripts/install-deps.sh)"
        case .toolFailed(let command, let status, let output):
            return "\(command) exited with status \(status): \(output)"
        case .startFailed(let reason, let logTail):
            return "docker-registry did not start: \(reason)\n--- end of its log ---\n\(logTail)"
        case .issuerFailed(let reason):
            return "token issuer did not start: \(reason)"
        }
    }
}
