import Crypto
import Foundation

/// Compact JWS tokens signed with ES256, the shape distribution's token auth accepts.
enum JWT {
    struct Header: Encodable {
        var typ = "JWT"
        var alg = "ES256"
        /// Base64 (standard, padded) DER certificates, leaf first: distribution verifies this chain
        /// against its `rootcertbundle` and takes the signing key from the leaf.
        var x5c: [String]
    }

    struct Claims: Encodable {
        var iss: String
        var sub: String
        /// A single string: distribution 2.8 decodes `aud` into a Go `string`, and an array makes the
        /// whole token malformed.
        var aud: String
        var exp: Int64
        var nbf: Int64
        var iat: Int64
        var jti: String
        var access: [TokenIssuer.Access]
    }

    /// `header.claims.signature`, each part base64url without padding.
    ///
    /// The ES256 signature is the raw 64-byte `r || s` (JWS, RFC 7518 §3.4), which is
    /// swift-crypto's `rawRepresentation`, not the DER form `derRepresentation` gives.
    static func sign(header: Header, claims: Claims, key: P256.Signing.PrivateKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput =
            try base64URL(encoder.encode(header)) + "." + base64URL(encoder.encode(claims))
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") {
            text.removeLast()
        }
        return text
    }
}
