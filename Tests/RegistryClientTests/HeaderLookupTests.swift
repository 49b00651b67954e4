import Foundation
import RegistryClient
import Testing

@Suite("Header lookup by name")
struct HeaderLookupTests {
    let response = HTTPResponseData(
        status: 200,
        headers: [
            ("docker-content-digest", "sha256:aa"), ("Link", "<a>"), ("LINK", "<b>"), ("Content-Lengthx", "9"),
            ("Content-Type", "application/json"), ("Ｌｉｎｋ", "<fullwidth>"),
        ])

    @Test("names match without regard to ASCII case, in the order the server sent them")
    func asciiCase() {
        #expect(response.header("Docker-Content-Digest") == "sha256:aa")
        #expect(response.header("content-type") == "application/json")
        #expect(response.headers(named: "link") == ["<a>", "<b>"])
    }

    @Test("a name is matched whole: no prefix, no longer name, no Unicode case folding")
    func wholeNamesOnly() {
        #expect(response.header("Content-Length") == nil)
        #expect(response.header("Content") == nil)
        #expect(response.header("ｌｉｎｋ") == nil)
        #expect(
            HTTPRequestData(method: "GET", url: URL(fileURLWithPath: "/"), headers: [("ACCEPT", "x")])
                .header("accept") == "x")
    }
}
