import RegistryClient
import Testing

@Suite("Names by the distribution spec's grammar")
struct ReferenceGrammarTests {
    @Test(
        "valid repository names",
        arguments: ["a", "my-app", "team/my-app", "a.b_c__d---e/f0", "library/ubuntu", "x1/y2/z3"])
    func validRepositories(name: String) {
        #expect(ReferenceGrammar.isValidRepository(name))
    }

    @Test(
        "invalid repository names, including every path trick",
        arguments: [
            "", "..", "a/../../etc", "a/./b", "/a", "a/", "a//b", "A", "my_", "-a", "a..b", "a___b", "a b",
            "a\u{1B}[2J", "a%2f..", "a\\b", String(repeating: "a", count: 256),
        ])
    func invalidRepositories(name: String) {
        #expect(!ReferenceGrammar.isValidRepository(name))
    }

    @Test("valid tags", arguments: ["latest", "1.0.0", "_x", "A-b_c.d", String(repeating: "t", count: 128)])
    func validTags(tag: String) {
        #expect(ReferenceGrammar.isValidTag(tag))
    }

    @Test(
        "invalid tags",
        arguments: ["", ".hidden", "-x", "..", "a/b", "a:b", "t\u{07}", "t\r", String(repeating: "t", count: 129)])
    func invalidTags(tag: String) {
        #expect(!ReferenceGrammar.isValidTag(tag))
    }

    @Test("digests: sha256 and sha512 verify, other algorithms never match")
    func digests() {
        let body = [UInt8]("{}".utf8)
        let sha512 = Digest.sha512(of: body)
        #expect(sha512.hex.count == 128)
        #expect(sha512.matches(body))
        #expect(!sha512.matches([UInt8]("{ }".utf8)))
        #expect(Digest("sha512:" + String(repeating: "a", count: 64)) == nil)
        let other = Digest("blake3:" + String(repeating: "a", count: 64))
        #expect(other != nil)
        #expect(other?.isVerifiable == false)
        #expect(other?.matches(body) == false)
    }
}
