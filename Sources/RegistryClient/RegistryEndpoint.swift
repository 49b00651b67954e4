import Foundation

/// Where a registry is and how to speak to it: `-r host[:port]` made into a base URL.
public struct RegistryEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The registry as the user named it, without scheme: what output lines start with.
    public let name: String
    /// `http` or `https`.
    public let scheme: String
    /// The host (and port) the API is served from; differs from `name` only for Docker Hub.
    public let apiHost: String

    /// Makes an endpoint from `-r`. Plain HTTP is used for loopback hosts (unless a CA certificate
    /// says the registry speaks TLS) and when `plainHTTP` is set; anywhere else it is refused,
    /// because credentials would cross the network in clear.
    public static func parse(
        _ text: String, plainHTTP: Bool = false, hasCACertificate: Bool = false
    )
        throws(RegistryError) -> RegistryEndpoint
    {
        var rest = text.trimmingCharacters(in: .whitespaces)
        var explicitScheme: String?
        if let range = rest.range(of: "://") {
            explicitScheme = rest[..<range.lowerBound].lowercased()
            rest = String(rest[range.upperBound...])
        }
        while rest.hasSuffix("/") { rest.removeLast() }
        if rest.filter({ $0 == ":" }).count > 1 && !rest.hasPrefix("[") {
            // A bare IPv6 address cannot be told from host:port; URLs need it in brackets.
            throw RegistryError(
                .invalidInput, "'\(text)' looks like a bare IPv6 address",
                hint: "write it in brackets, with the port after: -r [\(rest)]:5000")
        }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains(" "), !rest.contains("@") else {
            throw RegistryError(
                .invalidInput, "'\(text)' is not a registry address",
                hint: "use -r HOST[:PORT], for example -r myregistry.azurecr.io or -r 127.0.0.1:5000")
        }
        // `-r myregistry` means Azure's `myregistry.azurecr.io`, as `acr` and `az acr` read it: a
        // bare name with no dot, port or brackets cannot be a resolvable registry host otherwise.
        if explicitScheme == nil, Self.isBareRegistryName(rest) { rest += ".azurecr.io" }
        let loopback = Self.isLoopback(host: rest)
        let scheme: String
        switch explicitScheme {
        case "https"?: scheme = "https"
        case "http"?:
            guard loopback || plainHTTP else {
                throw RegistryError(
                    .invalidInput, "refusing plain HTTP to \(rest), which is not a loopback address",
                    hint: "pass --plain-http if this registry really has no TLS")
            }
            scheme = "http"
        case nil: scheme = plainHTTP || (loopback && !hasCACertificate) ? "http" : "https"
        case let other?:
            throw RegistryError(
                .invalidInput, "unknown scheme \(other):// in '\(text)'", hint: "use https:// or http://")
        }
        let hub = ["docker.io", "index.docker.io", "registry-1.docker.io"].contains(rest)
        return RegistryEndpoint(name: rest, scheme: scheme, apiHost: hub ? "registry-1.docker.io" : rest)
    }

    public init(name: String, scheme: String, apiHost: String? = nil) {
        self.name = name
        self.scheme = scheme
        self.apiHost = apiHost ?? name
    }

    /// A name such as `myregistry`: letters and digits only (ACR's registry name rule), not `localhost`.
    static func isBareRegistryName(_ text: String) -> Bool {
        text.lowercased() != "localhost" && (5...50).contains(text.count)
            && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII }
    }

    /// `scheme://apiHost`.
    public var baseURL: String { "\(scheme)://\(apiHost)" }

    public var isLoopback: Bool { Self.isLoopback(host: apiHost) }

    /// The key Docker's `config.json` uses for this registry.
    public var credentialKey: String { apiHost == "registry-1.docker.io" ? "https://index.docker.io/v1/" : name }

    public var description: String { name }

    /// Whether `host` (`HOST`, `HOST:PORT`, `[V6]:PORT`) is this machine.
    static func isLoopback(host: String) -> Bool {
        var bare = host
        if bare.hasPrefix("["), let end = bare.firstIndex(of: "]") {
            bare = String(bare[bare.index(after: bare.startIndex)..<end])
        } else if bare.filter({ $0 == ":" }).count == 1, let colon = bare.lastIndex(of: ":") {
            bare = String(bare[..<colon])
        }
        return isLoopbackAddress(bare)
    }

    /// Whether a URL's host is this machine. It decides where plain HTTP and credentials may go,
    /// so it parses addresses: `127.0.0.1.evil.example` is a name, not a loopback address.
    public static func isLoopback(_ url: URL) -> Bool {
        guard var host = url.host else { return false }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return isLoopbackAddress(host)
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8, or `::1`; a bare host without port or brackets.
    static func isLoopbackAddress(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }

    /// `host:port` of a URL for messages, with IPv6 addresses bracketed, escaped.
    public static func authority(of url: URL) -> String {
        guard var host = url.host else { return "?" }
        if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }
        return SafeText.escape(url.port.map { "\(host):\($0)" } ?? host)
    }
}
