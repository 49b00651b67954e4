import Crypto
import Foundation

/// A content digest such as `sha256:4096d3…`, the identity of every manifest and blob.
public struct Digest: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The first 16 hex digits as a number: what hashing and ordering look at first. The planner
    /// hashes and sorts digests all the time, and hashing two strings per digest was the top of its
    /// profile; equal keys fall back to the rest.
    @usableFromInline let key: UInt64
    @usableFromInline let rest: Rest

    /// What follows the first 16 hex digits. A SHA-256 digest (all but every digest a registry
    /// sends) is held as three more words: copying one is then a copy of bytes, with no strings to
    /// retain and release, which was a quarter of a re-plan's instructions at 10,000 tags, and no
    /// 64-character string on the heap for each of the inventory's digests.
    @usableFromInline enum Rest: Hashable, Sendable {
        case sha256(UInt64, UInt64, UInt64)
        case other(algorithm: String, hex: String)
    }

    /// The algorithm part, e.g. `sha256`.
    public var algorithm: String {
        switch rest {
        case .sha256: return "sha256"
        case .other(let algorithm, _): return algorithm
        }
    }

    /// The lowercase hex part.
    public var hex: String {
        switch rest {
        case .sha256(let second, let third, let fourth): return Self.hex(of: [key, second, third, fourth])
        case .other(_, let hex): return hex
        }
    }

    /// Parses `algorithm:hex`; returns nil for anything else.
    public init?(_ string: String) {
        // Registries use hundreds of bytes at most; a longer "digest" is not one (checked first, so
        // a megabyte of registry text is never scanned).
        guard string.utf8.count <= 256 else { return nil }
        var text = string
        guard let parsed = text.withUTF8(Self.parse) else { return nil }
        self = parsed
    }

    /// The grammar, on bytes: every character it allows is ASCII. Checked as `Character`s, with
    /// their Unicode properties, parsing was a tenth of a warm load's CPU (perf, 10,000 tags: every
    /// descriptor of every manifest read from the cache has a digest).
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Digest? {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let algorithm = UnsafeBufferPointer(rebasing: bytes[..<colon])
        let hex = UnsafeBufferPointer(rebasing: bytes[(colon + 1)...])
        guard isAlgorithm(algorithm), !hex.isEmpty, hex.allSatisfy(isLowercaseHexDigit) else { return nil }
        if algorithm.elementsEqual("sha256".utf8) {
            guard hex.count == 64 else { return nil }
            return Digest(key: word(hex, 0), rest: .sha256(word(hex, 1), word(hex, 2), word(hex, 3)))
        }
        if algorithm.elementsEqual("sha512".utf8) && hex.count != 128 { return nil }
        return Digest(
            key: word(hex, 0),
            rest: .other(
                algorithm: String(decoding: algorithm, as: UTF8.self), hex: String(decoding: hex, as: UTF8.self)))
    }

    /// The spec's `[a-z0-9]+([+._-][a-z0-9]+)*`: no empty component, so never `..`.
    private static func isAlgorithm(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var afterSeparator = true
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                afterSeparator = false
            case UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                if afterSeparator { return false }
                afterSeparator = true
            default:
                return false
            }
        }
        return !afterSeparator
    }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    /// The `index`th 16 digits of checked lowercase hex as a number, so that comparing words compares
    /// the digits as text would; a last word of fewer digits is padded with zeros on the right.
    private static func word(_ hex: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt64 {
        let start = min(index * 16, hex.count)
        let digits = hex[start..<min(start + 16, hex.count)]
        var word: UInt64 = 0
        for byte in digits {
            word =
                word << 4 | UInt64(byte >= UInt8(ascii: "a") ? byte - UInt8(ascii: "a") + 10 : byte - UInt8(ascii: "0"))
        }
        return word << (4 * (16 - digits.count))
    }

    /// The SHA-256 digest of `data`.
    public static func sha256<D: DataProtocol>(of data: D) -> Digest {
        let words = SHA256.hash(data: data).withUnsafeBytes { bytes -> [UInt64] in
            (0..<4).map { word in bytes[(word * 8)..<(word * 8 + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }
        return Digest(key: words[0], rest: .sha256(words[1], words[2], words[3]))
    }

    private init(key: UInt64, rest: Rest) {
        self.key = key
        self.rest = rest
    }

    /// Words back to their 16 lowercase hex digits each.
    private static func hex(of words: [UInt64]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.count * 16)
        for word in words {
            for shift in stride(from: 60, through: 0, by: -4) {
                bytes.append(digits[Int((word >> UInt64(shift)) & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Inlinable, with SHA-256 compared word by word: every dictionary probe of the planner's
    /// calls it, and a call into the synthesized equality of `Rest` was a twentieth of a re-plan.
    @inlinable public static func == (lhs: Digest, rhs: Digest) -> Bool {
        guard lhs.key == rhs.key else { return false }
        if case .sha256(let a1, let a2, let a3) = lhs.rest, case .sha256(let b1, let b2, let b3) = rhs.rest {
            return a1 == b1 && a2 == b2 && a3 == b3
        }
        return lhs.rest == rhs.rest
    }

    @inlinable public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
    }

    /// The SHA-512 digest of `data`.
    public static func sha512<D: DataProtocol>(of data: D) -> Digest {
        let hash = SHA512.hash(data: data)
        // The key is the first 16 hex digits: the first 8 bytes, big-endian.
        let key = hash.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Digest(
            key: key, rest: .other(algorithm: "sha512", hex: hash.map { String(format: "%02x", $0) }.joined()))
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
        if case .sha256(let a1, let a2, let a3) = lhs.rest, case .sha256(let b1, let b2, let b3) = rhs.rest {
            return (lhs.key, a1, a2, a3) < (rhs.key, b1, b2, b3)
        }
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
