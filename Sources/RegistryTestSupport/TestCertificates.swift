import Foundation

/// Throwaway keys and certificates made with the `openssl` CLI.
///
/// The CLI rather than Swift because this target has no X.509 library; the files are what
/// docker-registry reads anyway. EC P-256 keys keep generation to a few milliseconds.
enum TestCertificates {
    static let openssl = "/usr/bin/openssl"

    /// A CA and a server certificate it signed, valid for 127.0.0.1 and localhost.
    struct TLSFiles: Sendable {
        var caCertificate: String
        var serverCertificate: String
        var serverKey: String
    }

    /// A self-signed certificate and its key, for signing tokens.
    struct SigningFiles: Sendable {
        var certificate: String
        var key: String
    }

    /// Makes a CA and a server certificate in `directory`.
    static func makeTLS(in directory: String) async throws -> TLSFiles {
        let caKey = "\(directory)/ca.key"
        let files = TLSFiles(
            caCertificate: "\(directory)/ca.crt",
            serverCertificate: "\(directory)/server.crt",
            serverKey: "\(directory)/server.key"
        )
        let request = "\(directory)/server.csr"
        let extensions = "\(directory)/server.ext"
        _ = try await ToolRunner.run(
            openssl,
            ["req", "-x509"] + newKey(caKey) + [
                "-out", files.caCertificate, "-days", "2", "-subj", "/CN=regsweep throwaway test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ]
        )
        _ = try await ToolRunner.run(
            openssl,
            ["req"] + newKey(files.serverKey) + ["-out", request, "-subj", "/CN=127.0.0.1"]
        )
        // Clients check the SAN, not the CN; keyUsage/extendedKeyUsage as a real server certificate has
        // them, so that strict clients (Go, OpenSSL, NIOSSL) all accept it.
        try Data(
            """
            subjectAltName=IP:127.0.0.1,DNS:localhost
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """.utf8
        ).write(to: URL(fileURLWithPath: extensions))
        _ = try await ToolRunner.run(
            openssl,
            [
                "x509", "-req", "-in", request, "-CA", files.caCertificate, "-CAkey", caKey,
                "-set_serial", "0x" + randomHex(bytes: 16), "-days", "2", "-out", files.serverCertificate,
                "-extfile", extensions,
            ]
        )
        return files
    }

    /// Makes a self-signed token signing certificate in `directory`.
    ///
    /// distribution 2.8 verifies the token's `x5c` chain against its `rootcertbundle` with Go's
    /// `x509.Verify` and `ExtKeyUsageAny`: a self-signed certificate that is itself in the bundle is a
    /// complete chain, and no particular key usage is required.
    static func makeTokenSigner(in directory: String) async throws -> SigningFiles {
        let files = SigningFiles(certificate: "\(directory)/token-signer.crt", key: "\(directory)/token-signer.key")
        _ = try await ToolRunner.run(
            openssl,
            ["req", "-x509"] + newKey(files.key) + [
                "-out", files.certificate, "-days", "2", "-subj", "/CN=regsweep test token signer",
            ]
        )
        return files
    }

    private static func newKey(_ path: String) -> [String] {
        ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path]
    }

    /// The DER bytes of the first certificate in a PEM file.
    static func firstCertificateDER(pem: String) -> Data? {
        let begin = "-----BEGIN CERTIFICATE-----"
        let end = "-----END CERTIFICATE-----"
        guard let start = pem.range(of: begin), let stop = pem.range(of: end, range: start.upperBound..<pem.endIndex)
        else { return nil }
        let body = pem[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body))
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return String(byte, radix: 16).leftPadded(to: 2)
        }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
