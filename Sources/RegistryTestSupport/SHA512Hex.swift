import Crypto
import Foundation

/// SHA-512 as lowercase hex. In a file of its own because Crypto's `Digest` protocol would clash
/// with the registry's `Digest` type wherever both modules are imported.
enum SHA512Hex {
    static func of(_ data: Data) -> String {
        SHA512.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
