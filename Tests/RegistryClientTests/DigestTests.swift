import Foundation
import RegistryClient
import Testing

@Suite("Digests")
struct DigestTests {
    static let emptySHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test("parses algorithm:hex")
    func parse() throws {
        let digest = try #require(Digest(Self.emptySHA256))
        #expect(digest.algorithm == "sha256")
        #expect(digest.hex.count == 64)
        #expect(digest.description == Self.emptySHA256)
        #expect(Digest("sha512:" + String(repeating: "ab", count: 64))?.algorithm == "sha512")
    }

    @Test(
        "refuses what is not a digest",
        arguments: [
            "", "sha256", "sha256:", ":abc", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "sha256:abc",
            "sha256:zzb0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA256:abc", "latest",
        ])
    func refuses(text: String) {
        #expect(Digest(text) == nil)
    }

    @Test(
        "the algorithm's grammar, [a-z0-9]+([+._-][a-z0-9]+)*, and lowercase hex of the right length",
        arguments: [
            ("sha256+b64u:abc", true), ("x.y_z-1:0f", true), ("a..b:abc", false), ("sha+:abc", false),
            ("+sha:abc", false), ("sha-:abc", false), ("Sha:abc", false), ("sh a:abc", false),
            ("sha256:" + String(repeating: "a", count: 63), false),
            ("sha256:" + String(repeating: "a", count: 65), false),
            ("sha512:" + String(repeating: "a", count: 127), false), ("x1:abg", false), ("x1:ab\u{e9}", false),
            ("x\u{e9}:abc", false), ("x1:\u{FF11}", false), ("x1:abc:def", false),
        ])
    func grammar(text: String, valid: Bool) {
        let digest = Digest(text)
        #expect((digest != nil) == valid)
        if let digest { #expect(digest.description == text) }
    }

    @Test("order, equality and hashing agree with the text, also where the first 16 digits are equal")
    func orderMatchesText() throws {
        var generator = SystemRandomNumberGenerator()
        let shared = "0123456789abcdef"
        var digests: [Digest] = []
        for number in 0..<400 {
            let rest = (0..<48).map { _ in String("0123456789abcdef".randomElement(using: &generator)!) }.joined()
            // Half share their first 16 digits, so the tie-break on the whole text is exercised.
            let head =
                number % 2 == 0
                ? shared : (0..<16).map { _ in String("0123456789abcdef".randomElement(using: &generator)!) }.joined()
            digests.append(try #require(Digest("sha256:" + head + rest)))
        }
        digests += try ["x1:ab", "x1:abc", "x1:abc0", "x1:b"].map { try #require(Digest($0)) }
        for (a, b) in zip(digests, digests.shuffled(using: &generator)) {
            #expect((a < b) == (a.algorithm == b.algorithm ? a.hex < b.hex : a.description < b.description))
            #expect((a == b) == (a.description == b.description))
            if a == b { #expect(a.hashValue == b.hashValue) }
        }
        #expect(Set(digests.map(\.description)).count == Set(digests).count)
        #expect(try #require(Digest("x1:abc")) < #require(Digest("x1:abc0")))
        #expect(try #require(Digest("x1:abc0")) != #require(Digest("x1:abc")))
    }

    @Test("sha256(of:) and matches verify content")
    func verify() throws {
        #expect(Digest.sha256(of: Data()).description == Self.emptySHA256)
        let digest = Digest.sha256(of: Data("hello".utf8))
        #expect(digest.description == "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(digest.matches(Data("hello".utf8)))
        #expect(!digest.matches(Data("hello\n".utf8)))
        // sha512 is checked too; content that does not hash to the digest never matches.
        let other = try #require(Digest("sha512:" + String(repeating: "0", count: 128)))
        #expect(!other.matches(Data("anything".utf8)))
        #expect(Digest.sha512(of: Data("anything".utf8)).matches(Data("anything".utf8)))
    }

    @Test("a digest parsed from text is the one computed from the content: equal, hashed alike, verifying")
    func parsedIsComputed() throws {
        for content in ["", "hello", String(repeating: "layer", count: 1000)].map({ Data($0.utf8) }) {
            for computed in [Digest.sha256(of: content), Digest.sha512(of: content)] {
                let parsed = try #require(Digest(computed.description))
                #expect(parsed == computed)
                #expect(parsed.hashValue == computed.hashValue)
                #expect(!(parsed < computed) && !(computed < parsed))
                #expect(parsed.matches(content))
            }
        }
    }

    @Test("short form and the referrers tag")
    func shortAndReferrersTag() throws {
        let digest = try #require(Digest(Self.emptySHA256))
        #expect(digest.short == "e3b0c44298fc")
        #expect(digest.referrersTag == "sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("Codable as its string; decoding rejects a malformed digest")
    func codable() throws {
        let digest = try #require(Digest(Self.emptySHA256))
        let encoded = try JSONEncoder().encode([digest])
        #expect(String(decoding: encoded, as: UTF8.self) == "[\"\(Self.emptySHA256)\"]")
        #expect(try JSONDecoder().decode([Digest].self, from: encoded) == [digest])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Digest].self, from: Data(#"["sha256:nothex"]"#.utf8))
        }
    }

    @Test("orders by its text")
    func ordering() throws {
        let a = try #require(Digest("sha256:" + String(repeating: "a", count: 64)))
        let b = try #require(Digest("sha256:" + String(repeating: "b", count: 64)))
        #expect(a < b)
        #expect([b, a].sorted() == [a, b])
    }
}
