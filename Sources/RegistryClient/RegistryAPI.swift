import Foundation

/// Which API a registry is spoken to with, beyond the OCI distribution API every registry has.
public enum RegistryAPI: String, Sendable, Codable, Equatable {
    /// The OCI distribution API only: no push times, no untagged listing, no locks.
    case oci
    /// Azure Container Registry's `/acr/v1` API next to `/v2`: per-tag update times, every manifest
    /// (untagged too), locks, and a real tag delete.
    case acr

    /// For headers and `--verbose`.
    public var label: String {
        switch self {
        case .oci: return "OCI API"
        case .acr: return "ACR API"
        }
    }

    /// ACR names its registries without the `.azurecr.io` suffix (`az acr -n`, `acr --registry`).
    public static func acrName(_ registry: String) -> String {
        let suffix = ".azurecr.io"
        return registry.hasSuffix(suffix) ? String(registry.dropLast(suffix.count)) : registry
    }

    /// Whether a registry host is Azure's by name: `*.azurecr.io` (and the sovereign clouds'
    /// `azurecr.cn`, `azurecr.us`). Private endpoints and custom domains are found by probing.
    public static func isAzureHost(_ host: String) -> Bool {
        var bare = host.lowercased()
        if let colon = bare.lastIndex(of: ":"), !bare.hasSuffix("]") { bare = String(bare[..<colon]) }
        return [".azurecr.io", ".azurecr.cn", ".azurecr.us"].contains { bare.hasSuffix($0) && bare.count > $0.count }
    }
}

/// The API a client found, behind a lock: set once, read on every request.
final class DetectedAPI: @unchecked Sendable {
    private let lock = NSLock()
    private var value: RegistryAPI?

    var current: RegistryAPI? { lock.withLock { value } }
    func set(_ api: RegistryAPI) { lock.withLock { value = api } }
}
