import Foundation

/// One answer of `AcrEmulator`, built without NIO types so the routes stay plain functions.
struct AcrEmulatorReply {
    var status: Int
    var headers: [(String, String)] = []
    var body = Data()

    /// JSON the way ACR sends it (`application/json; charset=utf-8`).
    static func json(_ value: some Encodable, status: Int = 200, headers: [(String, String)] = []) -> AcrEmulatorReply {
        AcrEmulatorReply(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers,
            body: AcrEmulatorJSON.encode(value))
    }

    /// An ACR error body, `{"errors":[{"code","message","detail"}]}`.
    static func error(
        _ status: Int, code: String, message: String, detail: AcrEmulatorJSON.Detail? = nil,
        headers: [(String, String)] = []
    ) -> AcrEmulatorReply {
        json(
            AcrEmulatorJSON.Errors(errors: [.init(code: code, message: message, detail: detail)]), status: status,
            headers: headers)
    }

    static func empty(_ status: Int, headers: [(String, String)] = []) -> AcrEmulatorReply {
        AcrEmulatorReply(status: status, headers: headers)
    }

    /// What ACR answers when a lock (`deleteEnabled`/`writeEnabled: false`) refuses a write or delete:
    /// 405 with ACR's documented message; the code is the one `crane` printed against real ACR.
    static var disallowed: AcrEmulatorReply {
        error(405, code: AcrEmulator.disallowedCode, message: AcrEmulator.disallowedMessage)
    }

    static func nameUnknown(_ name: String) -> AcrEmulatorReply {
        error(404, code: "NAME_UNKNOWN", message: "repository name not known to registry", detail: .name(name))
    }

    static var manifestUnknown: AcrEmulatorReply {
        error(404, code: "MANIFEST_UNKNOWN", message: "manifest unknown")
    }

    static var tagUnknown: AcrEmulatorReply {
        error(404, code: "TAG_UNKNOWN", message: "the specified tag does not exist")
    }

    static var blobUnknown: AcrEmulatorReply {
        error(404, code: "BLOB_UNKNOWN", message: "blob unknown to registry")
    }

    static var unsupported: AcrEmulatorReply {
        error(405, code: "UNSUPPORTED", message: "The operation is unsupported.")
    }
}

/// A request as the routes see it: method, raw path, query, the headers they read, and the body.
struct AcrEmulatorIncoming {
    var method: String
    var rawPath: String
    var query: FormData
    var queryItems: [String: String]
    var authorization: String?
    var contentType: String?
    var body: Data
    /// The body went over the configured cap and was not kept.
    var bodyTooLarge: Bool

    init(method: String, uri: String, authorization: String?, contentType: String?, body: Data, bodyTooLarge: Bool) {
        self.method = method
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        rawPath = String(parts.first ?? "")
        let queryText = parts.count > 1 ? String(parts[1]) : ""
        query = FormData(queryText)
        var items: [String: String] = [:]
        for pair in queryText.split(separator: "&") {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(keyValue[0]).removingPercentEncoding ?? String(keyValue[0])
            if items[key] == nil {
                let value = keyValue.count > 1 ? String(keyValue[1]) : ""
                items[key] = value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? value
            }
        }
        queryItems = items
        self.authorization = authorization
        self.contentType = contentType
        self.body = body
        self.bodyTooLarge = bodyTooLarge
    }
}
