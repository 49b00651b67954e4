import Foundation
import RegistryClient
import Testing

@Suite("Image configs and RFC 3339 times")
struct ImageConfigTests {
    /// 2022-12-18T12:00:00Z.
    static let noon = Date(timeIntervalSince1970: 1_671_364_800)

    @Test(
        "RFC 3339 with offsets and fractions up to nanoseconds",
        arguments: [
            ("2022-12-18T12:00:00Z", 0.0),
            ("2022-12-18T12:00:00.5Z", 0.5),
            ("2022-12-18T12:00:00.123456789Z", 0.123456789),
            ("2022-12-18T13:00:00+01:00", 0),
            ("2022-12-18T07:00:00.25-05:00", 0.25),
            ("2022-12-18T12:00:00.000000001Z", 0.000000001),
        ])
    func rfc3339(text: String, fraction: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince(Self.noon) - fraction) < 1e-6)
    }

    @Test(
        "what is not RFC 3339 gives nil",
        arguments: [
            "", "2022-12-18", "2022-12-18 12:00:00", "yesterday", "2022-12-18T12:00:00.Z", "2022-13-40T12:00:00Z",
        ])
    func notRFC3339(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("formatting is UTC with second precision and parses back")
    func format() {
        #expect(RFC3339.format(Self.noon) == "2022-12-18T12:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.parse(RFC3339.format(Self.noon)) == Self.noon)
    }

    @Test("a config blob: created, platform and labels")
    func config() throws {
        let json = """
            {"architecture":"arm64","os":"linux","variant":"v8","created":"2022-12-18T13:00:00.123456789+01:00",
             "config":{"Labels":{"org.opencontainers.image.version":"4.0.0"},"Env":["PATH=/bin"]},
             "rootfs":{"type":"layers","diff_ids":[]}}
            """
        let config = try ImageConfig(json: Data(json.utf8))
        let created = try #require(config.created)
        #expect(abs(created.timeIntervalSince(Self.noon) - 0.123456789) < 1e-6)
        #expect(config.platform == Platform(architecture: "arm64", os: "linux", variant: "v8"))
        #expect(config.platform?.description == "linux/arm64/v8")
        #expect(config.labels == ["org.opencontainers.image.version": "4.0.0"])
    }

    @Test("a config without or with a bad created date is still a config")
    func undated() throws {
        let missing = try ImageConfig(json: Data(#"{"architecture":"amd64","os":"linux"}"#.utf8))
        #expect(missing.created == nil)
        #expect(missing.platform?.description == "linux/amd64")
        let bad = try ImageConfig(json: Data(#"{"created":"last tuesday"}"#.utf8))
        #expect(bad.created == nil)
        #expect(bad.platform == nil)
        #expect(bad.labels.isEmpty)
    }

    @Test("a config that is not JSON is an invalidResponse error", arguments: ["", "{", "[1,2]", #"{"created":5}"#])
    func malformed(text: String) {
        let error = #expect(throws: RegistryError.self) { try ImageConfig(json: Data(text.utf8)) }
        #expect(error?.kind == .invalidResponse)
    }
}
