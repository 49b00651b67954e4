import Foundation

/// Reads credentials the way `docker` stores them: `config.json`'s `auths`, `credsStore` and
/// `credHelpers` (which run `docker-credential-<name> get`).
public struct DockerCredentials: Sendable {
    /// The config file (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`).
    public let configPath: String
    /// Where to find `docker-credential-*` helpers; defaults to `$PATH`.
    public let searchPath: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let directory = environment["DOCKER_CONFIG"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.docker")
        self.configPath = directory + "/config.json"
        self.searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    }

    public init(configPath: String, searchPath: String) {
        self.configPath = configPath
        self.searchPath = searchPath
    }

    private struct ConfigFile: Decodable {
        struct Entry: Decodable {
            var auth: String?
            var username: String?
            var password: String?
            var identitytoken: String?
        }
        var auths: [String: Entry]?
        var credsStore: String?
        var credHelpers: [String: String]?
    }

    /// The credentials stored for `registry` (a `config.json` key such as `myregistry.io:5000` or
    /// Docker Hub's `https://index.docker.io/v1/`), or nil when there are none.
    public func credentials(for registry: String) throws(RegistryError) -> Credentials? {
        guard FileManager.default.fileExists(atPath: configPath) else { return nil }
        let config: ConfigFile
        do {
            config = try JSONDecoder().decode(ConfigFile.self, from: Data(contentsOf: URL(fileURLWithPath: configPath)))
        } catch {
            throw RegistryError(
                .invalidInput, "cannot read Docker's config file \(configPath)",
                hint: "fix or move the file, or pass credentials with -u/-p")
        }
        let key = Self.normalize(registry)
        if let helper = config.credHelpers?.first(where: { Self.normalize($0.key) == key })?.value {
            return try runHelper(helper, server: registry)
        }
        if let store = config.credsStore, !store.isEmpty, let found = try runHelper(store, server: registry) {
            return found
        }
        guard let entry = config.auths?.first(where: { Self.normalize($0.key) == key })?.value else { return nil }
        if let token = entry.identitytoken, !token.isEmpty { return .identityToken(token) }
        if let username = entry.username, let password = entry.password, !username.isEmpty {
            return .basic(username: username, password: password)
        }
        if let auth = entry.auth,
            let decoded = Data(base64Encoded: auth).flatMap({ String(data: $0, encoding: .utf8) }),
            let colon = decoded.firstIndex(of: ":")
        {
            return .basic(
                username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
        }
        return nil
    }

    /// `https://host:port/v1/` and `host:port` name the same registry in config.json.
    static func normalize(_ key: String) -> String {
        var text = key.lowercased()
        for prefix in ["https://", "http://"] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        if let slash = text.firstIndex(of: "/") { text = String(text[..<slash]) }
        return text == "docker.io" || text == "registry-1.docker.io" ? "index.docker.io" : text
    }

    /// Runs `docker-credential-<name> get` with the server URL on stdin.
    private func runHelper(_ name: String, server: String) throws(RegistryError) -> Credentials? {
        let program = "docker-credential-" + name
        guard
            let path = searchPath.split(separator: ":").map({ "\($0)/\(program)" }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            throw RegistryError(
                .credentialHelper, "Docker's config names the credential helper \(program), which is not on PATH",
                hint: "install it, or pass credentials with -u/-p")
        }
        var process = Process()
        let input = Pipe()
        let output = Pipe()
        var attempt = 0
        while true {
            process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["get"]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
                break
            } catch {
                // ETXTBSY: the helper was just written and another process still holds it open for
                // writing (a freshly installed helper, or a test that wrote one); it clears quickly.
                let busy = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY)
                attempt += 1
                guard busy, attempt < 10 else {
                    throw RegistryError(.credentialHelper, "cannot run \(program): \(error.localizedDescription)")
                }
                usleep(50_000)
            }
        }
        input.fileHandleForWriting.write(Data(server.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Helpers exit non-zero with "credentials not found" when they have nothing: not an error.
        guard process.terminationStatus == 0 else { return nil }
        struct Answer: Decodable {
            var Username: String?
            var Secret: String?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: data), let secret = answer.Secret else {
            throw RegistryError(.credentialHelper, "\(program) answered something that is not its JSON format")
        }
        if answer.Username == "<token>" { return .identityToken(secret) }
        return .basic(username: answer.Username ?? "", password: secret)
    }
}
