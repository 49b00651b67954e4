import Crypto
import Foundation

/// A content digest such as `sha256:4096d3…`, the identity of every manifest and blob.
public struct Digest: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The algorithm part, e.g. `sha256`.
    public let algorithm: String
    /// The lowercase hex part.
    public let hex: String
    /// The first 16 hex digits as a number: what hashing and ordering look at first. The planner
    /// hashes and sorts digests all the time, and hashing two strings per digest was the top of its
    /// profile; equal keys fall back to the strings.
    private let key: UInt64

    /// Parses `algorithm:hex`; returns nil for anything else.
    public init?(_ string: String) {
        // Registries use hundreds of bytes at most; a longer "digest" is not one (checked first, so
        // a megabyte of registry text is never split and scanned).
        guard string.utf8.count <= 256, let colon = string.firstIndex(of: ":") else { return nil }
        let algorithm = String(string[..<colon])
        let hex = String(string[string.index(after: colon)...])
        // The spec's grammar: `[a-z0-9]+([+._-][a-z0-9]+)*` — no empty component, so never `..`.
        let components = algorithm.split(
            omittingEmptySubsequences: false, whereSeparator: { "+._-".contains($0) })
        guard !hex.isEmpty, !components.isEmpty,
            components.allSatisfy({ component in
                !component.isEmpty && component.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
            }),
            hex.allSatisfy({ $0.isASCII && $0.isHexDigit && !$0.isUppercase })
        else { return nil }
        if algorithm == "sha256" && hex.count != 64 { return nil }
        if algorithm == "sha512" && hex.count != 128 { return nil }
        self.algorithm = algorithm
        self.hex = hex
        self.key = Self.key(of: hex)
    }

    /// The SHA-256 digest of `data`.
    public static func sha256<D: DataProtocol>(of data: D) -> Digest {
        let hash = SHA256.hash(data: data)
        let hex = hash.map { String(format: "%02x", $0) }.joined()
        // A SHA-256 hex string always parses.
        return Digest(uncheckedAlgorithm: "sha256", hex: hex)
    }

    private init(uncheckedAlgorithm: String, hex: String) {
        self.algorithm = uncheckedAlgorithm
        self.hex = hex
        self.key = Self.key(of: hex)
    }

    /// Lowercase hex digits in order, so that comparing keys compares the digits as text would;
    /// fewer than 16 digits are padded with zeros on the right.
    private static func key(of hex: String) -> UInt64 {
        var key: UInt64 = 0
        var count = 0
        for byte in hex.utf8.prefix(16) {
            let value = byte >= UInt8(ascii: "a") ? byte - UInt8(ascii: "a") + 10 : byte - UInt8(ascii: "0")
            key = key << 4 | UInt64(value & 0xF)
            count += 1
        }
        return count == 16 ? key : key << (4 * UInt64(16 - count))
    }

    public static func == (lhs: Digest, rhs: Digest) -> Bool {
        lhs.key == rhs.key && lhs.hex == rhs.hex && lhs.algorithm == rhs.algorithm
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
    }

    /// The SHA-512 digest of `data`.
    public static func sha512<D: DataProtocol>(of data: D) -> Digest {
        let hash = SHA512.hash(data: data)
        return Digest(uncheckedAlgorithm: "sha512", hex: hash.map { String(format: "%02x", $0) }.joined())
    }

    /// Whether this digest's algorithm is one regsweep can verify (the spec's `sha256` and `sha512`).
    public var isVerifiable: Bool { algorithm == "sha256" || algorithm == "sha512" }

    /// Whether `data` hashes to this digest. A digest of an algorithm that cannot be checked never
    /// matches: content that cannot be verified is not trusted.
    public func matches<D: DataProtocol>(_ data: D) -> Bool {
        switch algorithm {
        case "sha256": return Digest.sha256(of: data) == self
        case "sha512": return Digest.sha512(of: data) == self
        default: return false
        }
    }

    public var description: String { "\(algorithm):\(hex)" }

    /// The first 12 hex characters, as `docker images` shows them.
    public var short: String { String(hex.prefix(12)) }

    /// The tag under which the OCI referrers tag schema stores this digest's referrers: `sha256-<hex>`.
    public var referrersTag: String { "\(algorithm)-\(hex)" }

    /// The first 16 hex digits as a number: digests of one algorithm order by it first (`<`).
    public var orderKey: UInt64 { key }

    /// The order of `description`, without building it on every comparison of a sort: digests of
    /// one algorithm (nearly always the case) compare by their hex bytes.
    public static func < (lhs: Digest, rhs: Digest) -> Bool {
        guard lhs.algorithm == rhs.algorithm else { return lhs.description < rhs.description }
        if lhs.key != rhs.key { return lhs.key < rhs.key }
        return lhs.hex.utf8.lexicographicallyPrecedes(rhs.hex.utf8)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let digest = Digest(string) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a digest (algorithm:hex): \(string)")
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
