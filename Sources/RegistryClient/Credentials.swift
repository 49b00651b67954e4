import Foundation

/// What regsweep authenticates with. Its descriptions never contain a secret.
public enum Credentials: Sendable, Equatable, CustomStringConvertible {
    case anonymous
    /// A username and password (or a registry access token used as password).
    case basic(username: String, password: String)
    /// An identity (refresh) token, as `docker login` stores for some registries.
    case identityToken(String)

    /// The user name ACR gives refresh tokens (`az acr login --expose-token`): the password is
    /// then a refresh token, exchanged for access tokens rather than sent as Basic.
    public static let acrTokenUsername = "00000000-0000-0000-0000-000000000000"

    /// Who the user is, for headers and messages; never the secret.
    public var username: String? {
        switch self {
        case .anonymous: return nil
        case .basic(let username, _): return username
        case .identityToken: return "<token>"
        }
    }

    public var description: String {
        switch self {
        case .anonymous: return "anonymous"
        case .basic(let username, _): return "user \(username)"
        case .identityToken: return "an identity token"
        }
    }

    /// The value of a Basic `Authorization` header, when these credentials have one.
    var basicAuthorization: String? {
        guard case .basic(let username, let password) = self else { return nil }
        return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}
