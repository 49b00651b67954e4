import Foundation
import RegistryClient
import Testing

@Suite("Registry addressing (-r)")
struct RegistryEndpointTests {
    @Test(
        "loopback hosts speak plain HTTP",
        arguments: ["127.0.0.1:5000", "localhost:5000", "localhost", "127.0.0.53", "[::1]:5000"])
    func loopbackIsHTTP(text: String) throws {
        let endpoint = try RegistryEndpoint.parse(text)
        #expect(endpoint.scheme == "http")
        #expect(endpoint.name == text)
        #expect(endpoint.baseURL == "http://\(text)")
        #expect(endpoint.isLoopback)
    }

    @Test(
        "other hosts speak HTTPS",
        arguments: ["myregistry.azurecr.io", "registry.example.com:5000", "10.0.0.5:5000", "localhost.example.com"])
    func othersAreHTTPS(text: String) throws {
        let endpoint = try RegistryEndpoint.parse(text)
        #expect(endpoint.scheme == "https")
        #expect(endpoint.baseURL == "https://\(text)")
        #expect(!endpoint.isLoopback)
    }

    @Test("a loopback registry with a CA certificate speaks HTTPS; an explicit scheme wins")
    func explicitChoices() throws {
        #expect(try RegistryEndpoint.parse("127.0.0.1:5000", hasCACertificate: true).scheme == "https")
        #expect(try RegistryEndpoint.parse("https://127.0.0.1:5000").scheme == "https")
        #expect(try RegistryEndpoint.parse("http://localhost:5000").scheme == "http")
        let endpoint = try RegistryEndpoint.parse("https://registry.example.com/")
        #expect(endpoint.name == "registry.example.com")
        #expect(endpoint.baseURL == "https://registry.example.com")
    }

    @Test("plain HTTP to a non-loopback host is refused unless --plain-http")
    func plainHTTPRefused() throws {
        let error = #expect(throws: RegistryError.self) {
            try RegistryEndpoint.parse("http://registry.example.com:5000")
        }
        #expect(error?.kind == .invalidInput)
        #expect(error?.description.contains("--plain-http") == true)
        #expect(try RegistryEndpoint.parse("http://registry.example.com:5000", plainHTTP: true).scheme == "http")
        #expect(try RegistryEndpoint.parse("registry.example.com:5000", plainHTTP: true).scheme == "http")
    }

    @Test("Docker Hub's names map to its API host and config.json key", arguments: ["docker.io", "index.docker.io"])
    func dockerHub(text: String) throws {
        let endpoint = try RegistryEndpoint.parse(text)
        #expect(endpoint.name == text)
        #expect(endpoint.apiHost == "registry-1.docker.io")
        #expect(endpoint.baseURL == "https://registry-1.docker.io")
        #expect(endpoint.credentialKey == "https://index.docker.io/v1/")
        #expect(try RegistryEndpoint.parse("myregistry.azurecr.io").credentialKey == "myregistry.azurecr.io")
    }

    @Test("a bare IPv6 address is refused or bracketed, never made into an unusable URL")
    func bareIPv6() {
        do {
            let endpoint = try RegistryEndpoint.parse("::1")
            let url = URL(string: endpoint.baseURL + "/v2/")
            #expect(url?.host == "::1", "\(endpoint.baseURL) is not a URL")
        } catch {
            #expect(error.kind == .invalidInput)
            #expect(error.description.contains("[::1]"), "say how to write it: \(error)")
        }
    }

    @Test(
        "bad input is refused with a hint showing the expected form",
        arguments: [
            "", "   ", "registry.example.com/my-app", "user:pass@registry.example.com", "a b", "ftp://x.example",
            "https://",
        ])
    func badInput(text: String) {
        let error = #expect(throws: RegistryError.self) { try RegistryEndpoint.parse(text) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.hint?.isEmpty == false)
    }

    @Test("loopback means an address of this machine, not a name that starts like one")
    func loopbackAddresses() throws {
        for (text, loopback) in [
            ("http://127.0.0.1:5000/v2/", true), ("http://127.9.8.7/", true), ("http://localhost/", true),
            ("http://[::1]:5000/", true), ("http://127.0.0.1.evil.example/", false),
            ("http://127.attacker.net/", false),
            ("http://10.0.0.1/", false), ("http://[::2]/", false), ("http://1270.0.0.1/", false),
        ] {
            let url = try #require(URL(string: text))
            #expect(RegistryEndpoint.isLoopback(url) == loopback, "\(text)")
        }
        #expect(throws: RegistryError.self) { try RegistryEndpoint.parse("http://127.0.0.1.evil.example") }
        #expect(try RegistryEndpoint.parse("127.0.0.1.evil.example").scheme == "https")
        #expect(try RegistryEndpoint.parse("[::1]:5000").scheme == "http")
        #expect(RegistryEndpoint.authority(of: try #require(URL(string: "http://[::1]:5000/v2/"))) == "[::1]:5000")
    }
}
