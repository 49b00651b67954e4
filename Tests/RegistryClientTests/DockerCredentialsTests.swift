import Foundation
import RegistryClient
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Docker's `config.json`, in a temp folder of its own per test, with a fake credential helper.
private final class DockerConfigFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/regsweep-docker-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var configPath: String { path + "/config.json" }
    /// What the fake helper read on stdin, one file per run.
    var receivedPath: String { path + "/received" }

    func writeConfig(_ json: String) throws {
        try Data(json.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// Writes `docker-credential-test`: it records its stdin and arguments, answers for
    /// `registry.example:5000` with a password and for `token.example` with an identity token, and
    /// fails with "credentials not found" for anything else, as real helpers do.
    func writeHelper() throws {
        let script = """
            #!/bin/sh
            server=$(cat)
            printf '%s' "$server" > '\(receivedPath)'
            printf '%s' "$*" > '\(receivedPath).args'
            case "$server" in
              registry.example:5000) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server" ;;
              token.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"identity-secret"}' "$server" ;;
              garbage.example) echo 'this is not json' ;;
              *) echo 'credentials not found in native keychain'; exit 1 ;;
            esac
            """
        // Written with O_CLOEXEC so that no child process another test starts meanwhile inherits a
        // writable descriptor of it (exec would then fail with ETXTBSY, "Text file busy").
        let descriptor = open(path + "/docker-credential-test", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(descriptor) }
        let bytes = Array(script.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The credentials `DockerCredentials` finds for `registry` in this folder.
    func lookup(_ registry: String) throws(RegistryError) -> Credentials? {
        try credentials.credentials(for: registry)
    }

    var credentials: DockerCredentials {
        DockerCredentials(configPath: configPath, searchPath: "/nonexistent:" + path + ":/usr/bin:/bin")
    }

    var received: String? { try? String(contentsOfFile: receivedPath, encoding: .utf8) }
    var receivedArguments: String? { try? String(contentsOfFile: receivedPath + ".args", encoding: .utf8) }
}

@Suite("Docker config.json credentials")
struct DockerCredentialsTests {
    @Test("auths: base64 auth, username/password, identitytoken; keys with scheme and path match")
    func auths() throws {
        let folder = try DockerConfigFolder()
        let auth = Data("alice:pa:ss:word".utf8).base64EncodedString()
        try folder.writeConfig(
            """
            {"auths":{
              "registry.example:5000":{"auth":"\(auth)"},
              "https://plain.example/v1/":{"username":"bob","password":"bobs-secret"},
              "idtoken.example":{"identitytoken":"refresh-me","auth":"\(auth)"},
              "https://index.docker.io/v1/":{"auth":"\(Data("hub:hubpw".utf8).base64EncodedString())"}
            }}
            """)
        #expect(
            try folder.lookup("registry.example:5000") == .basic(username: "alice", password: "pa:ss:word"))
        #expect(try folder.lookup("plain.example") == .basic(username: "bob", password: "bobs-secret"))
        #expect(try folder.lookup("idtoken.example") == .identityToken("refresh-me"))
        #expect(try folder.lookup("https://index.docker.io/v1/") == .basic(username: "hub", password: "hubpw"))
        #expect(try folder.lookup("docker.io") == .basic(username: "hub", password: "hubpw"))
        #expect(try folder.lookup("elsewhere.example") == nil)
    }

    @Test("no config file means no credentials; a broken one is a clear error")
    func missingOrBroken() throws {
        let folder = try DockerConfigFolder()
        #expect(try folder.lookup("registry.example:5000") == nil)
        try folder.writeConfig("{ this is not json")
        let error = #expect(throws: RegistryError.self) {
            try folder.lookup("registry.example:5000")
        }
        #expect(error?.description.contains(folder.configPath) == true)
        #expect(error?.description.contains("-u") == true)
    }

    @Test("DOCKER_CONFIG chooses the folder; else HOME/.docker")
    func environment() {
        let fromEnvironment = DockerCredentials(environment: ["DOCKER_CONFIG": "/tmp/dc", "PATH": "/opt/bin"])
        #expect(fromEnvironment.configPath == "/tmp/dc/config.json")
        #expect(fromEnvironment.searchPath == "/opt/bin")
        #expect(DockerCredentials(environment: ["HOME": "/home/x"]).configPath == "/home/x/.docker/config.json")
    }

    @Test("credHelpers: the helper gets `get` and the server URL on stdin; its answer is used")
    func credHelper() throws {
        let folder = try DockerConfigFolder()
        try folder.writeHelper()
        try folder.writeConfig(#"{"credHelpers":{"registry.example:5000":"test","token.example":"test"}}"#)
        let credentials = try folder.lookup("registry.example:5000")
        #expect(credentials == .basic(username: "helper-user", password: "helper-secret"))
        #expect(folder.received == "registry.example:5000")
        #expect(folder.receivedArguments == "get")
    }

    @Test("a helper answering Username <token> gives an identity token")
    func identityTokenFromHelper() throws {
        let folder = try DockerConfigFolder()
        try folder.writeHelper()
        try folder.writeConfig(#"{"credHelpers":{"token.example":"test"}}"#)
        #expect(try folder.lookup("token.example") == .identityToken("identity-secret"))
        #expect(folder.received == "token.example")
    }

    @Test("credsStore is asked for every registry; when it has nothing, auths still count")
    func credsStore() throws {
        let folder = try DockerConfigFolder()
        try folder.writeHelper()
        let auth = Data("carol:carols-pw".utf8).base64EncodedString()
        try folder.writeConfig(#"{"credsStore":"test","auths":{"other.example":{"auth":"\#(auth)"}}}"#)
        #expect(
            try folder.lookup("registry.example:5000")
                == .basic(username: "helper-user", password: "helper-secret"))
        #expect(
            try folder.lookup("other.example") == .basic(username: "carol", password: "carols-pw")
        )
        #expect(folder.received == "other.example")
        #expect(try folder.lookup("nobody.example") == nil)
    }

    @Test("a helper that is not installed is a clear error naming it")
    func missingHelper() throws {
        let folder = try DockerConfigFolder()
        try folder.writeConfig(#"{"credHelpers":{"registry.example:5000":"nonexistent-helper"}}"#)
        let error = #expect(throws: RegistryError.self) {
            try folder.lookup("registry.example:5000")
        }
        #expect(error?.kind == .credentialHelper)
        #expect(error?.description.contains("docker-credential-nonexistent-helper") == true)
        #expect(error?.description.contains("-u") == true)
    }

    @Test("a helper answering garbage is an error that does not repeat what it said")
    func garbageHelper() throws {
        let folder = try DockerConfigFolder()
        try folder.writeHelper()
        try folder.writeConfig(#"{"credHelpers":{"garbage.example":"test"}}"#)
        let error = #expect(throws: RegistryError.self) { try folder.lookup("garbage.example") }
        #expect(error?.kind == .credentialHelper)
        #expect(error?.description.contains("docker-credential-test") == true)
    }
}
