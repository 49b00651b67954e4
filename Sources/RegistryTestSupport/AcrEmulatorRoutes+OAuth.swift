import Foundation

/// ACR's token endpoints: `/oauth2/exchange` (AAD token → ACR refresh token) and `/oauth2/token`
/// (refresh token, form password or Basic credentials → access token).
extension AcrEmulatorRoutes {
    /// `POST /oauth2/exchange`, form `grant_type=access_token&service=S&access_token=AAD[&tenant=T]`.
    func exchange(_ request: AcrEmulatorIncoming) -> AcrEmulatorReply {
        guard request.method == "POST" else { return .unsupported }
        let form = FormData(String(decoding: request.body, as: UTF8.self))
        guard let grant = form.value("grant_type"), ["access_token", "access_token_refresh_token"].contains(grant)
        else {
            return .error(400, code: "UNSUPPORTED", message: "grant_type must be access_token")
        }
        guard form.value("service") == host else {
            return .error(400, code: "BAD_REQUEST", message: "service must be \(host)")
        }
        guard form.value("access_token") == configuration.aadAccessToken else { return Self.badCredentials }
        guard let token = try? auth.issueRefreshToken() else {
            return .error(500, code: "UNKNOWN", message: "could not sign a refresh token")
        }
        return .json(AcrEmulatorJSON.RefreshToken(refresh_token: token))
    }

    /// `GET /oauth2/token?service=&scope=` with Basic credentials, or `POST` with a form
    /// (`grant_type=refresh_token&refresh_token=…` or `grant_type=password&username=…&password=…`).
    func token(_ request: AcrEmulatorIncoming) -> AcrEmulatorReply {
        let parameters: FormData
        let authenticated: Bool
        switch request.method {
        case "GET":
            parameters = request.query
            authenticated = request.authorization.flatMap(auth.identity(basic:)) != nil
        case "POST":
            parameters = FormData(String(decoding: request.body, as: UTF8.self))
            switch parameters.value("grant_type") {
            case "refresh_token":
                authenticated = parameters.value("refresh_token").map(auth.isRefreshToken) ?? false
            case "password":
                authenticated =
                    auth.identity(
                        username: parameters.value("username") ?? "", password: parameters.value("password") ?? "")
                    != nil
            default:
                return .error(400, code: "UNSUPPORTED", message: "grant_type must be refresh_token or password")
            }
        default:
            return .unsupported
        }
        guard authenticated else { return Self.badCredentials }
        guard parameters.value("service") == host else {
            return .error(400, code: "BAD_REQUEST", message: "service must be \(host)")
        }
        let scopes = parameters.values("scope").flatMap { $0.split(separator: " ").map(String.init) }
        // Exactly what was asked for: a token for `…:delete` does not read metadata (as on ACR).
        let access = scopes.compactMap(TokenIssuer.Access.init(scope:))
        guard let token = try? auth.issueAccessToken(access) else {
            return .error(500, code: "UNKNOWN", message: "could not sign an access token")
        }
        return .json(AcrEmulatorJSON.AccessToken(access_token: token))
    }

    static var badCredentials: AcrEmulatorReply {
        .error(
            401, code: "UNAUTHORIZED",
            message: "authentication required, visit https://aka.ms/acr/authorization for more information.")
    }
}
