import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real `docker-registry` (CNCF distribution 2.8) on 127.0.0.1, started for one test and removed
/// afterwards.
///
/// Use it scoped, so that the process is stopped and its files removed whatever the test does:
///
/// ```swift
/// try await TestRegistry.with(.basic) { registry in
///     // registry.baseURL, registry.username, registry.password …
/// }
/// ```
///
/// Each instance has its own temp folder (storage, config, log, keys) and its own random user.
public final class TestRegistry: Sendable {
    /// How clients authenticate to the registry and whether it speaks TLS.
    public enum AuthMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Plain HTTP, no authentication.
        case none
        /// Plain HTTP, `auth.htpasswd` (Basic with a bcrypt entry).
        case basic
        /// Plain HTTP, `auth.token` (Bearer) with an in-process `TokenIssuer`.
        case token
        /// HTTPS with a throwaway CA (`caCertificatePath`), no authentication.
        case tls
        /// HTTPS with a throwaway CA, and Basic authentication.
        case tlsBasic

        /// Whether the registry serves HTTPS.
        public var usesTLS: Bool { self == .tls || self == .tlsBasic }

        /// Whether the registry checks Basic credentials itself.
        public var usesBasic: Bool { self == .basic || self == .tlsBasic }

        /// Whether the instance has a user name and password.
        public var hasCredentials: Bool { usesBasic || self == .token }

        /// The case name, for test names and messages.
        public var description: String { rawValue }
    }

    /// The authentication mode.
    public let mode: AuthMode
    /// Whether `storage.delete.enabled` is on (off: every DELETE answers 405).
    public let deleteEnabled: Bool
    /// `127.0.0.1:PORT`, the registry's host as clients name it.
    public let host: String
    /// The port.
    public let port: Int
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, without a trailing slash.
    public let baseURL: URL
    /// The instance's temp folder, removed when it stops.
    public let directory: String
    /// The registry's storage root (`storage.filesystem.rootdirectory`).
    public let storageDirectory: String
    /// The registry's configuration file.
    public let configPath: String
    /// The registry's log (standard output and error).
    public let logPath: String
    /// PEM of the CA that signed the server certificate (TLS modes).
    public let caCertificatePath: String?
    /// A folder holding only `ca.crt`, for `skopeo --cert-dir` (TLS modes).
    public let certificateDirectory: String?
    /// The user name (Basic and token modes).
    public let username: String?
    /// The password (Basic and token modes).
    public let password: String?
    /// The token issuer the registry trusts (token mode).
    public let tokenIssuer: TokenIssuer?

    private let process: RegistryProcess

    /// The registry's process id.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// `Basic base64(user:password)`, for an `Authorization` header (Basic and token modes).
    public var basicAuthorization: String? {
        guard let username, let password else { return nil }
        return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The end of the registry's log, for failure messages.
    public func logTail(lines: Int = 40) -> String {
        Self.tail(of: logPath, lines: lines)
    }

    /// How long start-up waits for `GET /v2/` to answer before giving up.
    public static let startTimeout: Duration = .seconds(15)

    private init(
        mode: AuthMode, deleteEnabled: Bool, port: Int, paths: Paths, tls: TestCertificates.TLSFiles?,
        username: String?, password: String?, tokenIssuer: TokenIssuer?, process: RegistryProcess
    ) {
        self.mode = mode
        self.deleteEnabled = deleteEnabled
        self.port = port
        self.host = "\(Loopback.host):\(port)"
        let scheme = mode.usesTLS ? "https" : "http"
        self.baseURL = URL(string: "\(scheme)://\(Loopback.host):\(port)") ?? URL(fileURLWithPath: "/")
        self.directory = paths.root
        self.storageDirectory = paths.storage
        self.configPath = paths.config
        self.logPath = paths.log
        self.caCertificatePath = tls?.caCertificate
        self.certificateDirectory = tls == nil ? nil : paths.certificateDirectory
        self.username = username
        self.password = password
        self.tokenIssuer = tokenIssuer
        self.process = process
    }

    /// Starts a registry, runs `body` with it, then stops it and removes its files, also when `body`
    /// throws.
    ///
    /// - Parameters:
    ///   - mode: authentication and transport.
    ///   - deleteEnabled: false makes every DELETE answer 405 `UNSUPPORTED`.
    ///   - tokenConfiguration: the token issuer's settings (token mode only).
    ///   - source: start on a copy of this instance's storage (distribution's filesystem layout
    ///     is plain files), to get identical registries without pushing the same content twice.
    public static func with<T>(
        _ mode: AuthMode = .none,
        deleteEnabled: Bool = true,
        tokenConfiguration: TokenIssuer.Configuration = TokenIssuer.Configuration(),
        copyingStorageOf source: TestRegistry? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TestRegistry) async throws -> T
    ) async throws -> T {
        let registry = try await startRetrying(
            mode, deleteEnabled: deleteEnabled, tokenConfiguration: tokenConfiguration,
            storageSource: source?.storageDirectory)
        let result: T
        do {
            result = try await body(registry)
        } catch {
            await registry.stop()
            throw error
        }
        await registry.stop()
        return result
    }

    /// `start`, tried again from scratch (new folder) when the registry dies at start-up: on a
    /// loaded machine a start can miss its deadline, and a second one gets past it.
    static func startRetrying(
        _ mode: AuthMode, deleteEnabled: Bool, tokenConfiguration: TokenIssuer.Configuration,
        storageSource: String? = nil
    ) async throws -> TestRegistry {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await start(
                    mode, deleteEnabled: deleteEnabled, tokenConfiguration: tokenConfiguration,
                    storageSource: storageSource)
            } catch let error as TestRegistryError {
                guard case .startFailed = error, attempt < 3 else { throw error }
            }
        }
    }

    /// Starts a registry that the caller must `stop()`. Prefer `with`, which cannot forget to.
    ///
    /// - Parameter storageSource: a storage folder (another instance's `storageDirectory`) to copy
    ///   into this one's before it starts. Copy from an idle instance: the copy is not atomic.
    public static func start(
        _ mode: AuthMode = .none,
        deleteEnabled: Bool = true,
        tokenConfiguration: TokenIssuer.Configuration = TokenIssuer.Configuration(),
        storageSource: String? = nil
    ) async throws -> TestRegistry {
        _ = sweptStaleFolders
        let paths = Paths(root: "\(temporaryDirectory)/\(folderPrefix)\(getpid())-\(UUID().uuidString)")
        var issuer: TokenIssuer?
        do {
            for folder in [paths.root, paths.storage, paths.secrets] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            if let storageSource {
                // `cp -a SRC/. DST`: the contents, with times, on a thread of its own.
                _ = try await ToolRunner.run("/bin/cp", ["-a", storageSource + "/.", paths.storage])
            }
            let username = mode.hasCredentials ? "user-" + TestCertificates.randomHex(bytes: 4) : nil
            let password = mode.hasCredentials ? TestCertificates.randomHex(bytes: 16) : nil
            var auth: String?
            if mode.usesBasic, let username, let password {
                let entry = try await ToolRunner.run("/usr/bin/htpasswd", ["-Bbn", username, password])
                try Data(entry.trimmingCharacters(in: .whitespacesAndNewlines).utf8 + [UInt8(ascii: "\n")])
                    .write(to: URL(fileURLWithPath: paths.htpasswd))
                auth = """
                    auth:
                      htpasswd:
                        realm: "regsweep-test"
                        path: \(yaml(paths.htpasswd))

                    """
            }
            if mode == .token, let username, let password {
                let started = try await TokenIssuer.start(
                    users: [username: password], directory: paths.secrets, configuration: tokenConfiguration
                )
                issuer = started
                auth = """
                    auth:
                      token:
                        realm: \(yaml(started.realm.absoluteString))
                        service: \(yaml(tokenConfiguration.service))
                        issuer: \(yaml(tokenConfiguration.issuer))
                        rootcertbundle: \(yaml(started.certificatePath))

                    """
            }
            var tls: TestCertificates.TLSFiles?
            if mode.usesTLS {
                let files = try await TestCertificates.makeTLS(in: paths.secrets)
                try FileManager.default.createDirectory(
                    atPath: paths.certificateDirectory, withIntermediateDirectories: true)
                try FileManager.default.copyItem(
                    atPath: files.caCertificate, toPath: paths.certificateDirectory + "/ca.crt")
                tls = files
            }
            let (port, process) = try await launch(paths: paths, deleteEnabled: deleteEnabled, auth: auth, tls: tls)
            return TestRegistry(
                mode: mode, deleteEnabled: deleteEnabled, port: port, paths: paths, tls: tls, username: username,
                password: password, tokenIssuer: issuer, process: process
            )
        } catch {
            await issuer?.shutdown()
            try? FileManager.default.removeItem(atPath: paths.root)
            throw error
        }
    }

    /// Stops the registry (SIGTERM, then SIGKILL after a grace period), the token issuer, and removes
    /// the temp folder. Idempotent.
    public func stop() async {
        await process.stop()
        await tokenIssuer?.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: - Start-up

    private static let folderPrefix = "regsweep-registry-"
    private static let temporaryDirectory = FileManager.default.temporaryDirectory.path

    /// Removes, once per test process, the temp folders of test processes that died without cleaning
    /// up (their registries died with them, see `LauncherThread`). The folder name carries the owner's
    /// process id; folders of live processes, such as a parallel test run, are left alone.
    private static let sweptStaleFolders: Bool = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? []
        for name in names where name.hasPrefix(folderPrefix) {
            guard let owner = name.dropFirst(folderPrefix.count).split(separator: "-").first.flatMap({ Int32($0) }),
                owner != getpid(), kill(owner, 0) == -1, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(atPath: "\(temporaryDirectory)/\(name)")
        }
        return true
    }()

    private struct Paths {
        var root: String
        var storage: String { root + "/storage" }
        var secrets: String { root + "/secrets" }
        var certificateDirectory: String { root + "/certs.d" }
        var htpasswd: String { secrets + "/htpasswd" }
        var config: String { root + "/config.yml" }
        var log: String { root + "/registry.log" }
    }

    /// Writes the config and starts the registry on port 0, so the kernel picks a free port at
    /// the moment of the bind and nothing can take it in between.
    ///
    /// Probing for a free port first and handing it to the registry lost that race on CI: every one
    /// of twelve attempts of one start died with "address already in use".
    private static func launch(
        paths: Paths, deleteEnabled: Bool, auth: String?, tls: TestCertificates.TLSFiles?
    ) async throws -> (Int, RegistryProcess) {
        let config = configuration(paths: paths, deleteEnabled: deleteEnabled, auth: auth, tls: tls)
        try Data(config.utf8).write(to: URL(fileURLWithPath: paths.config))
        let process = try await RegistryProcess.launch(
            registry: "/usr/bin/docker-registry", configPath: paths.config, logPath: paths.log
        )
        do {
            let port = try await waitUntilReady(process: process, tls: tls != nil, logPath: paths.log)
            return (port, process)
        } catch {
            await process.stop()
            throw error
        }
    }

    /// Waits for the registry's "listening on 127.0.0.1:PORT" line, then polls `GET /v2/` on that
    /// port until it answers: 200 or 401 over plain HTTP; over TLS, Go's 400 answer to a plain
    /// request (see `Loopback.httpStatus`).
    private static func waitUntilReady(process: RegistryProcess, tls: Bool, logPath: String) async throws -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now + startTimeout
        var port: Int?
        while clock.now < deadline {
            if process.hasExited {
                throw TestRegistryError.startFailed(reason: "the process exited", logTail: tail(of: logPath, lines: 40))
            }
            port = port ?? listeningPort(inLog: logPath)
            if let port, let status = await Loopback.httpStatus(port: port, path: "/v2/") {
                let ready = tls ? status == 400 : (status == 200 || status == 401)
                if ready { return port }
                throw TestRegistryError.startFailed(
                    reason: "GET /v2/ answered \(status)", logTail: tail(of: logPath, lines: 40)
                )
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestRegistryError.startFailed(
            reason: port == nil
                ? "no \"listening on\" line within \(startTimeout)" : "GET /v2/ did not answer within \(startTimeout)",
            logTail: tail(of: logPath, lines: 40)
        )
    }

    /// The port of distribution's `msg="listening on 127.0.0.1:PORT"` (`, tls` follows over TLS).
    private static func listeningPort(inLog path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return listeningPort(inLogText: text)
    }

    public static func listeningPort(inLogText text: String) -> Int? {
        let marker = "listening on \(Loopback.host):"
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: marker) else { continue }
            let digits = line[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            if let port = Int(digits), (1...65535).contains(port) { return port }
        }
        return nil
    }

    private static func configuration(
        paths: Paths, deleteEnabled: Bool, auth: String?, tls: TestCertificates.TLSFiles?
    ) -> String {
        // Without a fixed secret the registry logs a warning and makes one up; upload purging is a
        // background job a seconds-long test never needs.
        var text = """
            version: 0.1
            log:
              level: info
              formatter: text
            storage:
              filesystem:
                rootdirectory: \(yaml(paths.storage))
              delete:
                enabled: \(deleteEnabled)
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: \(yaml("\(Loopback.host):0"))
              secret: \(yaml(TestCertificates.randomHex(bytes: 16)))

            """
        if let tls {
            text += """
                  tls:
                    certificate: \(yaml(tls.serverCertificate))
                    key: \(yaml(tls.serverKey))

                """
        }
        if let auth {
            text += auth
        }
        return text
    }

    /// A YAML double-quoted scalar.
    private static func yaml(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func tail(of path: String, lines: Int) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
