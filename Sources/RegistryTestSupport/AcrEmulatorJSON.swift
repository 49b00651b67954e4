import Foundation
import RegistryClient

/// The JSON bodies `AcrEmulator` answers with, spelled field for field as ACR spells them.
///
/// Shapes come from ACR's data-plane swagger (2021-07-01) and recorded ACR traffic; see
/// `docs/acr-wire-format.md`. Optional fields are left out when nil, as ACR leaves them out
/// (an untagged manifest has no `tags` at all, an index no `architecture`/`os`).
enum AcrEmulatorJSON {
    /// `changeableAttributes`.
    struct Attributes: Codable, Sendable, Equatable {
        var deleteEnabled = true
        var writeEnabled = true
        var readEnabled = true
        var listEnabled = true
    }

    /// A PATCH body: any subset of the attributes.
    struct AttributesPatch: Decodable {
        var deleteEnabled: Bool?
        var writeEnabled: Bool?
        var readEnabled: Bool?
        var listEnabled: Bool?

        func applied(to attributes: Attributes) -> Attributes {
            var result = attributes
            if let deleteEnabled { result.deleteEnabled = deleteEnabled }
            if let writeEnabled { result.writeEnabled = writeEnabled }
            if let readEnabled { result.readEnabled = readEnabled }
            if let listEnabled { result.listEnabled = listEnabled }
            return result
        }
    }

    /// One entry of `/acr/v1/<repo>/_tags`, and the `tag` of `/acr/v1/<repo>/_tags/<tag>`.
    struct Tag: Encodable {
        var name: String
        var digest: String
        var createdTime: String
        var lastUpdateTime: String
        var signed = false
        var changeableAttributes: Attributes
    }

    struct TagList: Encodable {
        var registry: String
        var imageName: String
        var tags: [Tag]
    }

    struct TagEnvelope: Encodable {
        var registry: String
        var imageName: String
        var tag: Tag
    }

    /// A child of an index, in the single-manifest answer's `references`.
    struct Reference: Encodable {
        var digest: String
        var architecture: String?
        var os: String?
    }

    /// One entry of `/acr/v1/<repo>/_manifests`, and the `manifest` of `/acr/v1/<repo>/_manifests/<digest>`.
    struct Manifest: Encodable {
        var digest: String
        var imageSize: Int64
        var createdTime: String
        var lastUpdateTime: String
        var architecture: String?
        var os: String?
        var mediaType: String
        var configMediaType: String?
        var references: [Reference]?
        var tags: [String]?
        var changeableAttributes: Attributes
    }

    struct ManifestList: Encodable {
        var registry: String
        var imageName: String
        var manifests: [Manifest]
    }

    struct ManifestEnvelope: Encodable {
        var registry: String
        var imageName: String
        var manifest: Manifest
    }

    /// `GET /acr/v1/<repo>`.
    struct RepositoryAttributes: Encodable {
        var registry: String
        var imageName: String
        var createdTime: String
        var lastUpdateTime: String
        var manifestCount: Int
        var tagCount: Int
        var changeableAttributes: Attributes
    }

    /// `DELETE /acr/v1/<repo>`.
    struct DeletedRepository: Encodable {
        var manifestsDeleted: [String]
        var tagsDeleted: [String]
    }

    struct Repositories: Encodable {
        var repositories: [String]
    }

    /// `/v2/<repo>/tags/list`.
    struct TagNames: Encodable {
        var name: String
        var tags: [String]
    }

    struct RefreshToken: Encodable {
        var refresh_token: String
    }

    /// What `/oauth2/token` answers: only `access_token`; the expiry is the JWT's `exp`.
    struct AccessToken: Encodable {
        var access_token: String
    }

    /// `detail` of a 401: what the route needed.
    struct AccessDetail: Encodable {
        var `Type`: String
        var Name: String
        var Action: String
    }

    struct ErrorItem: Encodable {
        var code: String
        var message: String
        var detail: Detail?
    }

    enum Detail: Encodable {
        case access([AccessDetail])
        case name(String)
        case text(String)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .access(let items): try container.encode(items)
            case .name(let name): try container.encode(["name": name])
            case .text(let text): try container.encode(text)
            }
        }
    }

    struct Errors: Encodable {
        var errors: [ErrorItem]
    }

    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// ACR's time format: UTC, seven fractional digits (`2023-03-02T23:15:59.8012764Z`).
    static func time(_ date: Date) -> String {
        let ticks = Int64((date.timeIntervalSince1970 * 10_000_000).rounded(.down))
        let seconds = ticks >= 0 ? ticks / 10_000_000 : (ticks - 9_999_999) / 10_000_000
        let fraction = ticks - seconds * 10_000_000
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: whole)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))."
            + "\(pad(Int(fraction), 7))Z"
    }

    /// Whole 100 ns ticks since 1970: the resolution ACR shows, and what cursors and orderings compare.
    static func ticks(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 10_000_000).rounded(.down))
    }
}

/// The position after which a time-ordered page continues: opaque on the wire (base64url), as ACR's
/// `last` is when `orderby` is given, so a client that builds `last` from a tag name breaks here too.
struct AcrEmulatorCursor: Equatable {
    var ticks: Int64
    var name: String

    var encoded: String {
        JWT.base64URL(Data("\(ticks)\n\(name)".utf8))
    }

    init(ticks: Int64, name: String) {
        self.ticks = ticks
        self.name = name
    }

    init?(encoded: String) {
        var text = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8),
            let newline = decoded.firstIndex(of: "\n"), let ticks = Int64(decoded[..<newline])
        else { return nil }
        self.ticks = ticks
        self.name = String(decoded[decoded.index(after: newline)...])
    }
}
