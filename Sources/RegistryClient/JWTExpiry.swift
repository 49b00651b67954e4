import Foundation

/// Reads a JWT's `exp` claim without trusting it for anything but when to renew: the signature is
/// the token service's business, and a token we cannot read simply gets the default lifetime.
enum JWTExpiry {
    /// Whole seconds from `now` until the token's `exp`, or nil when it is not a readable JWT.
    static func seconds(until token: String, from now: Date) -> Int? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].utf8.count <= 16_384 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let exp = (claims["exp"] as? NSNumber)?.doubleValue, exp.isFinite
        else { return nil }
        let remaining = exp - now.timeIntervalSince1970
        guard remaining > -86_400 * 365 * 100, remaining < 86_400 * 365 * 100 else { return nil }
        return Int(remaining.rounded(.down))
    }
}
