import Foundation
import PropertyBased
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
            "2023-02-29T12:00:00Z", "2022-04-31T12:00:00Z", "2022-12-18T24:00:00Z", "2022-12-18T12:60:00Z",
            "2022-12-18T12:00:00", "2022-12-18T12:00:00+0100", "2022-12-18T12:00:00+01", "2022-12-18T12:00:00Zjunk",
            "22-12-18T12:00:00Z", "2022-12-18T12:00:00+25:00", "２０２２-12-18T12:00:00Z",
        ])
    func notRFC3339(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test(
        "leap days, lower-case separators, blanks around, Go's zero time",
        arguments: [
            ("2024-02-29T00:00:00Z", 1_709_164_800.0), ("2000-02-29T00:00:00Z", 951_782_400),
            ("2022-12-18t12:00:00z", 1_671_364_800), ("  2022-12-18T12:00:00Z\t", 1_671_364_800),
            ("0001-01-01T00:00:00Z", -62_135_596_800), ("1969-12-31T23:59:59Z", -1),
        ])
    func rfc3339Edges(text: String, seconds: Double) throws {
        #expect(try #require(RFC3339.parse(text)).timeIntervalSince1970 == seconds)
    }

    /// Foundation's formatter is the reference the hand parser replaced: on any second of 1583…9999
    /// and any offset they must agree, and formatting must read back. (Before 1582-10-15 ICU counts
    /// on the Julian calendar; RFC 3339, Go and this parser on the proleptic Gregorian one, which is
    /// what Go's zero time 0001-01-01 means.)
    @Test("parse agrees with Foundation's ISO 8601 formatter; format reads back")
    func rfc3339AgainstFoundation() async {
        // A formatter per use, in UTC only: one shared between runs, or one given an offset time
        // zone, crashed inside Foundation here.
        func reference() -> ISO8601DateFormatter {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            return formatter
        }
        await propertyCheck(
            count: 500, input: Gen.int(in: -12_212_553_600...253_402_300_799),
            Gen.int(in: -(23 * 60 + 59)...(23 * 60 + 59))
        ) { seconds, offsetMinutes in
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let formatted = RFC3339.format(date)
            #expect(formatted == reference().string(from: date))
            #expect(RFC3339.parse(formatted) == date)
            #expect(reference().date(from: formatted) == date)
            // The same instant as local time at an offset: the wall clock moved by it, `Z` replaced.
            let local = RFC3339.format(date.addingTimeInterval(TimeInterval(offsetMinutes * 60))).dropLast()
            let magnitude = abs(offsetMinutes)
            let hours = magnitude / 60 < 10 ? "0\(magnitude / 60)" : "\(magnitude / 60)"
            let minutes = magnitude % 60 < 10 ? "0\(magnitude % 60)" : "\(magnitude % 60)"
            let withOffset = "\(local)\(offsetMinutes < 0 ? "-" : "+")\(hours):\(minutes)"
            #expect(RFC3339.parse(withOffset) == date, "\(withOffset)")
        }
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
