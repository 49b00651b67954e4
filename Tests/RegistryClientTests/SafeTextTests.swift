import Foundation
import RegistryClient
import Testing

/// The registry's error body, decoded the way a test can (Detail has no public memberwise init).
private struct Envelope: Decodable {
    var errors: [RegistryError.Detail]
}

@Suite("Safe text for terminals")
struct SafeTextTests {
    @Test(
        "control characters and escape sequences are shown escaped",
        arguments: [
            ("\u{1B}[2J", "\\x1b[2J"),
            ("\u{1B}]0;pwned\u{07}", "\\x1b]0;pwned\\x07"),
            ("\u{1B}]52;c;ZWNobyBoaQ==\u{07}", "\\x1b]52;c;ZWNobyBoaQ==\\x07"),
            ("a\rb", "a\\x0db"),
            ("nul\u{0}", "nul\\x00"),
            ("line\nbreak", "line\\x0abreak"),
            ("del\u{7F}", "del\\x7f"),
            ("c1\u{9B}31m", "c1\\x9b31m"),
            ("bidi\u{202E}cod", "bidi\\u{202e}cod"),
        ])
    func escapes(raw: String, shown: String) {
        #expect(SafeText.escape(raw) == shown)
    }

    @Test("ordinary names, Unicode and backslashes pass unchanged")
    func plain() {
        for text in ["my-app", "team/app:1.0", "naïve 日本語 🚀", "C:\\path", ""] {
            #expect(SafeText.escape(text) == text)
        }
    }

    @Test("escaping is idempotent, so text escaped at its source can pass again")
    func idempotent() {
        let raw = "\u{1B}]0;title\u{07}\r\n\u{202E}"
        let once = SafeText.escape(raw)
        #expect(SafeText.escape(once) == once)
        #expect(!once.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test("a registry error's text is escaped wherever it came from")
    func errorDescription() throws {
        let body = #"{"errors":[{"code":"X\u0007","message":"evil\u001b]0;t\u0007"}]}"#
        let details = try JSONDecoder().decode(Envelope.self, from: Data(body.utf8)).errors
        let error = RegistryError(
            .http, "fetching \u{1B}[31mred", status: 418, url: "http://127.0.0.1:1/v2/x", details: details)
        let text = error.description
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(text.contains("\\x1b[31mred"))
        #expect(text.hasPrefix("Fetching"))
    }
}
