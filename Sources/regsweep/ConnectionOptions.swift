import ArgumentParser
import Foundation
import Logging
import RegistryClient

/// How to reach a registry, apart from which one: credentials, TLS, limits. Its own group so that
/// a command can take the registry from elsewhere too (`purge --policy` reads it from the file
/// when `-r` is absent); every other command takes `RegistryOptions`, where `-r` is required.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: [.short, .customLong("username")], help: "Username (else $REGSWEEP_USERNAME, else Docker's config.json).")
    var username: String?

    @Option(
        name: [.short, .customLong("password")],
        help: "Password or token. Prefer --password-stdin: arguments show up in `ps`.")
    var password: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input.")
    var passwordStdin = false

    @Flag(
        name: .customLong("plain-http"),
        help: "Speak plain HTTP to a non-loopback registry (loopback hosts use HTTP already).")
    var plainHTTP = false

    @Option(name: .customLong("ca-cert"), help: "A PEM file of CA certificates to trust for the registry's TLS.")
    var caCert: String?

    @Flag(name: .customLong("insecure"), help: "Skip TLS certificate verification (dangerous; prints a warning).")
    var insecure = false

    @Option(name: .customLong("concurrency"), help: "Requests in flight at once.")
    var concurrency = 8

    @Option(name: .customLong("timeout"), help: "Seconds before one request gives up.")
    var timeout = 60

    @Flag(name: [.short, .customLong("verbose")], help: "Log every request (never secrets) to stderr.")
    var verbose = false

    /// The first backoff before a retry, in milliseconds; tests of flaky networks shorten it.
    @Option(name: .customLong("retry-base-delay"), help: .hidden)
    var retryBaseDelay = 200

    /// The flags a scheduled run of the same registry needs (`--plain-http`, `--ca-cert`, a
    /// `--concurrency` that is not the default), for the scheduler exports.
    var scheduledFlags: [String] {
        Self.scheduledFlags(plainHTTP: plainHTTP, caCert: caCert, concurrency: concurrency == 8 ? nil : concurrency)
    }

    /// The words of those flags, for this session's options and for `policy export`'s own.
    static func scheduledFlags(plainHTTP: Bool, caCert: String?, concurrency: Int?) -> [String] {
        (plainHTTP ? ["--plain-http"] : [])
            + (caCert.map { ["--ca-cert", PolicyCommand.Export.repositoryPath($0)] } ?? [])
            + (concurrency.map { ["--concurrency", String($0)] } ?? [])
    }

    func validate() throws {
        guard (1...64).contains(concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 64 (got \(concurrency))")
        }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be between 1 and 3600 seconds (got \(timeout))")
        }
        guard (0...60_000).contains(retryBaseDelay) else {
            throw ValidationError("--retry-base-delay must be between 0 and 60000 milliseconds")
        }
        if password != nil && passwordStdin {
            throw ValidationError("use either --password or --password-stdin, not both")
        }
        if (password != nil || passwordStdin) && username == nil
            && Self.variable("REGSWEEP_USERNAME", in: ProcessInfo.processInfo.environment) == nil
        {
            throw ValidationError("a password needs a username: add -u USER")
        }
    }

    /// The credentials, in order: flags, environment, Docker's config.json, anonymous.
    func credentials(for endpoint: RegistryEndpoint) throws -> Credentials {
        let environment = ProcessInfo.processInfo.environment
        var secret = password
        if passwordStdin {
            secret = readLine(strippingNewline: true) ?? ""
        }
        if let user = username ?? Self.variable("REGSWEEP_USERNAME", in: environment) {
            guard let secret = secret ?? environment["REGSWEEP_PASSWORD"] else {
                throw ValidationError(
                    "-u \(user) needs a password: add --password-stdin (or -p), or set REGSWEEP_PASSWORD")
            }
            return .basic(username: user, password: secret)
        }
        return try DockerCredentials(environment: environment).credentials(for: endpoint.credentialKey) ?? .anonymous
    }

    /// A variable's value, with an empty one taken as unset: a CI system passes a secret that is
    /// not there (GitHub's to a pull request from a fork) as an empty string, and such a run should
    /// fall back to Docker's config or anonymous access, not log in as "".
    static func variable(_ name: String, in environment: [String: String]) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs `body` with a client for the registry, shutting the connections down afterwards.
    /// With `--verbose`, a registry error also says what the transport said underneath.
    func withClient<T>(registry: String, _ body: (RegistryClient) async throws -> T) async throws -> T {
        let endpoint = try endpoint(registry)
        if insecure {
            Console.warn(
                "--insecure: TLS certificates are not verified; anyone on the path can read and change traffic")
        }
        let credentials = try credentials(for: endpoint)
        var logger = Logger(label: "regsweep") { _ in StreamLogHandler.standardError(label: "regsweep") }
        logger.logLevel = verbose ? .debug : .warning
        let retry = RetryPolicy(
            baseDelay: .milliseconds(retryBaseDelay),
            deadline: .seconds(max(120, timeout * 3)))
        do {
            return try await AsyncHTTPTransport.withTransport(
                tls: TLSOptions(caCertificatePath: caCert, insecure: insecure), requestTimeout: .seconds(timeout),
                connectionsPerHost: concurrency
            ) { transport in
                let client = RegistryClient(
                    endpoint: endpoint, credentials: credentials, transport: transport, concurrency: concurrency,
                    retry: retry, logger: logger, onWarning: { Console.warn($0) })
                return try await body(client)
            }
        } catch let error as RegistryError where verbose {
            throw VerboseError(text: error.verboseDescription)
        }
    }

    /// The endpoint `registry` names; a malformed address is a usage error (exit 64).
    func endpoint(_ registry: String) throws -> RegistryEndpoint {
        do {
            return try RegistryEndpoint.parse(registry, plainHTTP: plainHTTP, hasCACertificate: caCert != nil)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
