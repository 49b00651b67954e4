/// One challenge from a `WWW-Authenticate` header: a scheme and its parameters.
public struct AuthChallenge: Sendable, Equatable {
    /// The scheme, lowercased: `basic` or `bearer` for registries.
    public var scheme: String
    /// Parameter names are lowercased; values are unquoted and unescaped.
    public var parameters: [String: String]

    public init(scheme: String, parameters: [String: String] = [:]) {
        self.scheme = scheme.lowercased()
        self.parameters = parameters
    }

    public var realm: String? { parameters["realm"] }
    public var service: String? { parameters["service"] }
    public var scope: String? { parameters["scope"] }

    /// Parses every challenge in a header value (RFC 7235): several challenges, quoted strings with
    /// commas and escaped quotes inside them, and token68 values are all handled.
    public static func parse(_ header: String) -> [AuthChallenge] {
        var scanner = Scanner(Array(header))
        var challenges: [AuthChallenge] = []
        while true {
            scanner.skip { $0 == " " || $0 == "\t" || $0 == "," }
            guard let scheme = scanner.token(), !scheme.isEmpty else { break }
            var challenge = AuthChallenge(scheme: scheme)
            // Parameters follow until the next `token SP` that is not `token =`.
            while true {
                scanner.skip { $0 == " " || $0 == "\t" || $0 == "," }
                let mark = scanner.position
                guard let name = scanner.token(), !name.isEmpty else { break }
                scanner.skip { $0 == " " || $0 == "\t" }
                guard scanner.peek() == "=" else {
                    // Not a parameter: this is the next challenge's scheme.
                    scanner.position = mark
                    break
                }
                scanner.advance()
                scanner.skip { $0 == " " || $0 == "\t" }
                let value = scanner.peek() == "\"" ? scanner.quoted() : (scanner.token68() ?? "")
                challenge.parameters[name.lowercased()] = value
            }
            challenges.append(challenge)
        }
        return challenges
    }
}

/// A tiny character scanner for header grammar.
private struct Scanner {
    let characters: [Character]
    var position = 0

    init(_ characters: [Character]) { self.characters = characters }

    func peek() -> Character? { position < characters.count ? characters[position] : nil }
    mutating func advance() { position += 1 }

    mutating func skip(while predicate: (Character) -> Bool) {
        while let c = peek(), predicate(c) { advance() }
    }

    /// An RFC 7230 token.
    mutating func token() -> String? {
        let start = position
        skip { c in c.isLetter || c.isNumber || "!#$%&'*+-.^_`|~".contains(c) }
        return position > start ? String(characters[start..<position]) : nil
    }

    /// A token68 value (used unquoted by some servers, e.g. `realm=foo`); stops at `,` or space.
    mutating func token68() -> String? {
        let start = position
        skip { c in c != "," && c != " " && c != "\t" }
        return position > start ? String(characters[start..<position]) : nil
    }

    /// A quoted string, with `\x` escapes resolved.
    mutating func quoted() -> String {
        advance()
        var value = ""
        while let c = peek() {
            advance()
            if c == "\"" { break }
            if c == "\\", let next = peek() {
                value.append(next)
                advance()
            } else {
                value.append(c)
            }
        }
        return value
    }
}
