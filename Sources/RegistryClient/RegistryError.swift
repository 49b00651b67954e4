import Foundation

/// Everything that can go wrong talking to a registry, with text a user can act on.
///
/// One type for the module (as AsyncHTTPClient does): callers switch on `kind`, users read
/// `description`, which says what failed, where (the URL without secrets), the registry's own error
/// code and message, and what to do next.
public struct RegistryError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The broad class of failure, for callers that react differently to each.
    public enum Kind: String, Sendable, Equatable {
        case invalidInput
        case unreachable
        case tls
        case timeout
        case unauthorized
        case forbidden
        case notFound
        case deleteDisabled
        case unsupported
        case rateLimited
        case server
        case invalidResponse
        case tooLarge
        case digestMismatch
        case credentialHelper
        case http
        /// regsweep refused to do what the registry asked: follow a redirect, `Link` or upload
        /// `Location` off the registry, to another scheme, or send credentials where they must not go.
        case refused
        /// A repository name, tag or digest from the registry is outside the spec's grammar.
        case invalidName
        /// The registry accepted a DELETE, but the item still resolves afterwards.
        case notDeleted
        /// A listing ran past the page cap.
        case tooManyPages
        /// A tag no longer points where the caller expected: someone else moved it. Not a failure.
        case moved
        /// The caller cancelled the request (Ctrl-C, the browser closing); never retried.
        case cancelled
        /// The registry refuses to change this one item: it is locked (ACR's 405
        /// `REGISTRY_DISALLOWED_OPERATION`). Other items can still go.
        case locked
    }

    /// One entry of the registry's `{"errors":[…]}` body.
    public struct Detail: Sendable, Equatable, Codable {
        public var code: String
        public var message: String
    }

    public let kind: Kind
    /// What failed, in words.
    public let summary: String
    /// The HTTP status, when there was a response.
    public let status: Int?
    /// The request URL with credentials and token-like query values removed.
    public let url: String?
    /// The registry's own error codes and messages.
    public let details: [Detail]
    /// What the user can do about it.
    public let hint: String?
    /// The transport's or parser's own words, for `--verbose` only: users act on `description`.
    public let underlying: String?

    public init(
        _ kind: Kind, _ summary: String, status: Int? = nil, url: String? = nil, details: [Detail] = [],
        hint: String? = nil, underlying: String? = nil
    ) {
        self.kind = kind
        self.summary = summary
        self.status = status
        self.url = url.map(Redaction.url)
        self.details = details
        self.hint = hint
        self.underlying = underlying
    }

    /// `description` plus the underlying error, for `--verbose`.
    public var verboseDescription: String {
        guard let underlying else { return description }
        return description + " (underlying error: \(SafeText.escape(underlying)))"
    }

    /// What failed and what to do, safe for a terminal: text the registry sent (its error codes
    /// and messages, names in the URL) is escaped.
    public var description: String {
        var text = Self.sentence(SafeText.escape(summary))
        if let status { text += " (HTTP \(status))" }
        if !details.isEmpty {
            text +=
                ": "
                + details.prefix(5).map { detail in
                    let code = SafeText.escape(String(detail.code.prefix(64)))
                    let message = SafeText.escape(String(detail.message.prefix(300)))
                    return message.isEmpty ? code : "\(code): \(message)"
                }
                .joined(separator: "; ")
        }
        if let url { text += " [\(SafeText.escape(url))]" }
        if let hint { text += ". \(Self.sentence(SafeText.escape(hint)))" }
        if !text.hasSuffix(".") { text += "." }
        return text
    }

    /// One style for every message: a sentence starts with a capital letter — unless it starts
    /// with a name (`docker-credential-x`, `my-app:1.0`), which keeps its spelling.
    static func sentence(_ text: String) -> String {
        guard let first = text.first, first.isLowercase else { return text }
        let word = text.prefix { !$0.isWhitespace }
        guard word.dropLast(word.last == ":" || word.last == "," ? 1 : 0).allSatisfy(\.isLetter) else { return text }
        return first.uppercased() + text.dropFirst()
    }

    /// Parses the registry's error body, if it is one.
    static func details(from body: Data) -> [Detail] {
        struct Envelope: Decodable {
            struct Entry: Decodable {
                var code: String?
                var message: String?
            }
            var errors: [Entry]?
        }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body) else { return [] }
        return (envelope.errors ?? []).map { Detail(code: $0.code ?? "UNKNOWN", message: $0.message ?? "") }
    }
}

/// Removes secrets from text that may reach a terminal or a log.
public enum Redaction {
    private static let secretQueryKeys: Set<String> = [
        "token", "access_token", "refresh_token", "password", "secret", "sig", "signature", "x-amz-signature",
        "x-amz-credential", "x-amz-security-token", "_state",
    ]

    /// The URL without user info and with secret-looking query values replaced by `REDACTED`.
    public static func url(_ string: String) -> String {
        guard var components = URLComponents(string: string) else { return string }
        components.user = nil
        components.password = nil
        if let items = components.queryItems {
            components.queryItems = items.map { item in
                secretQueryKeys.contains(item.name.lowercased())
                    ? URLQueryItem(name: item.name, value: "REDACTED") : item
            }
        }
        return components.string ?? string
    }
}
