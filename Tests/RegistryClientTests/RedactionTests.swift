import Foundation
import RegistryClient
import Testing

@Suite("Secrets stay out of text")
struct RedactionTests {
    @Test("user info and secret query values are removed; other query values stay")
    func url() {
        let redacted = Redaction.url("https://alice:hunter2@registry.example/v2/my-app/tags/list?n=10&token=abc123")
        #expect(!redacted.contains("alice"))
        #expect(!redacted.contains("hunter2"))
        #expect(!redacted.contains("abc123"))
        #expect(redacted.contains("n=10"))
        #expect(redacted.contains("token=REDACTED"))
        #expect(redacted.hasPrefix("https://registry.example/v2/my-app/tags/list?"))
    }

    @Test(
        "signed storage URLs lose their signatures, whatever the case of the key",
        arguments: [
            "X-Amz-Signature", "x-amz-credential", "sig", "Signature", "access_token", "refresh_token", "_state",
        ])
    func signedURL(key: String) {
        let redacted = Redaction.url("https://storage.example/blob?\(key)=s3cr3tvalue&other=kept")
        #expect(!redacted.contains("s3cr3tvalue"))
        #expect(redacted.contains("other=kept"))
    }

    @Test("a URL without secrets is left as it is")
    func untouched() {
        #expect(Redaction.url("http://127.0.0.1:5000/v2/_catalog?n=100") == "http://127.0.0.1:5000/v2/_catalog?n=100")
        #expect(Redaction.url("https://registry.example/v2/") == "https://registry.example/v2/")
    }

    @Test("RegistryError redacts its URL and says status, registry code and message, and what to do")
    func errorDescription() throws {
        let detail = try JSONDecoder().decode(
            RegistryError.Detail.self, from: Data(#"{"code":"UNAVAILABLE","message":"maintenance window"}"#.utf8))
        let error = RegistryError(
            .server, "listing tags", status: 503, url: "https://bob:pw123@registry.example/v2/x?token=t0k",
            details: [detail], hint: "try later")
        #expect(error.url == "https://registry.example/v2/x?token=REDACTED")
        #expect(
            error.description
                == "Listing tags (HTTP 503): UNAVAILABLE: maintenance window [https://registry.example/v2/x?token=REDACTED]. Try later."
        )
        #expect(!error.description.contains("pw123") && !error.description.contains("t0k"))
    }

    @Test("credentials describe who, never the secret")
    func credentialDescriptions() {
        #expect(Credentials.basic(username: "alice", password: "hunter2").description == "user alice")
        #expect(Credentials.identityToken("eyJsecret").description == "an identity token")
        #expect(Credentials.identityToken("eyJsecret").username == "<token>")
        #expect(Credentials.anonymous.description == "anonymous")
    }
}
