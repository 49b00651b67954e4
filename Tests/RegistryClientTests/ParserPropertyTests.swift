import Foundation
import PropertyBased
import RegistryTestSupport
import Testing

@testable import RegistryClient

/// Properties of every parser that reads a registry's (or Docker's) text, on random and mutated input.
///
/// Round trips run in process, with PropertyBased's shrinking. "Never crashes, never hangs" runs in
/// a child process per parser (an exit test), so a trap fails one test and names its input instead
/// of ending the whole run; a watchdog turns a hang into a failure too.
@Suite("Parsers: properties and fuzzing")
struct ParserPropertyTests {
    /// Inputs per fuzzed parser: enough to hit the nasty corners, few enough to stay well under a second.
    static let fuzzCount = 3000

    /// Random text: mostly ASCII with controls, some Latin-1 and BMP scalars (never surrogates).
    static let anyText = Gen<Character?>.element(
        of: Array(" \t\"\\,=;:<>/?&%+-.0123456789abcdefxyzABEZ\r\n\u{0}\u{1B}é€😀") as [Character]
    )
    .map { $0 ?? "x" }.string(of: 0...60)

    /// Token characters (RFC 7230), for well-formed challenges.
    static let token = Gen<Character?>.element(
        of: Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~") as [Character]
    )
    .map { $0 ?? "a" }.string(of: 1...10)

    /// Printable ASCII, quotes and backslashes included, for quoted values.
    static let printable = Gen.character(in: " "..."~").string(of: 0...24)

    /// The deterministic inputs of a fuzz run: seeds, random text, and mutations of the seeds.
    static func fuzzInputs(seeds: [String], count: Int = fuzzCount, seed: UInt64) -> [String] {
        var rng = Xoshiro(seed: (seed, 0x9E37_79B9_7F4A_7C15, 42, 7))
        return FuzzInput.inputs(seeds: seeds, count: count, using: &rng) { anyText.run(using: &$0) }
    }

    /// Byte-level fuzz inputs for JSON parsers.
    static func fuzzData(seeds: [String], count: Int = fuzzCount, seed: UInt64) -> [Data] {
        var rng = Xoshiro(seed: (seed, 11, 13, 17))
        var inputs = seeds.map { Data($0.utf8) }
        inputs.append(Data(repeating: UInt8(ascii: "["), count: 100_000))
        inputs.append(Data(String(repeating: #"{"a":"#, count: 20_000).utf8))
        while inputs.count < count {
            var data = Data((seeds.randomElement(using: &rng) ?? "{}").utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) { data = FuzzInput.mutate(data, using: &rng) }
            inputs.append(data)
        }
        return inputs
    }

    /// Names the input a fuzzing child for `parser` died on (an exit test that fails gives no result).
    static func report(_ result: ExitTest.Result?, parser: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let failed = FuzzInput.failedInput(name: parser)
        guard result == nil else { return }
        Issue.record("\(parser) failed on input: \(failed)", sourceLocation: sourceLocation)
    }

    // MARK: AuthChallenge

    static let challengeSeeds = [
        #"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:app:pull""#,
        #"Basic realm="x""#, #"Basic realm=x, Bearer realm="a,b\"c", error="invalid_token""#,
        #"Negotiate abc==, Basic realm="r",charset="UTF-8""#, "Bearer", "", ",,,", #"Bearer realm=""#,
    ]

    @Test("AuthChallenge: a challenge built from random parameters parses back to them (two in one header too)")
    func challengeRoundTrip() async {
        let parameters = zip(Gen.lowercaseLetter.string(of: 1...8), Self.printable).dictionary(ofAtMost: 0...5)
        await propertyCheck(count: 300, input: Self.token, parameters, Self.token) { scheme, parameters, second in
            func quoted(_ value: String) -> String {
                "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    + "\""
            }
            let params = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted($0.value))" }
            let header = ([scheme] + [params.joined(separator: ", ")]).joined(separator: " ")
            let parsed = AuthChallenge.parse(header + ", " + second + #" realm="second""#)
            #expect(parsed.count == 2, "\(header) → \(parsed)")
            #expect(parsed.first == AuthChallenge(scheme: scheme, parameters: parameters), "\(header)")
            #expect(parsed.last == AuthChallenge(scheme: second, parameters: ["realm": "second"]))
        }
    }

    @Test("AuthChallenge.parse never crashes or hangs on random and mutated headers")
    func challengeFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            FuzzInput.runInChild(
                "AuthChallenge.parse",
                ParserPropertyTests.fuzzInputs(seeds: ParserPropertyTests.challengeSeeds, seed: 1),
                describe: { String(reflecting: $0) }
            ) { header in
                let challenges = AuthChallenge.parse(header)
                if let bad = challenges.first(where: { $0.scheme.isEmpty || $0.scheme != $0.scheme.lowercased() }) {
                    return "scheme not a lowercased token: \(bad)"
                }
                return challenges.count > header.count ? "more challenges than characters" : nil
            }
        }
        Self.report(result, parser: "AuthChallenge.parse")
    }

    // MARK: LinkHeader

    static let base = URL(string: "https://registry.example.com/v2/app/tags/list?n=100")

    @Test("LinkHeader.next finds rel=\"next\" among other links and resolves it against the request URL")
    func linkRoundTrip() async throws {
        let base = try #require(Self.base)
        let segment = Gen.letterOrNumber.string(of: 1...12)
        await propertyCheck(count: 300, input: segment, segment, Gen.bool) { last, other, quotedRel in
            let target = "/v2/app/tags/list?last=\(last)&n=100"
            let rel = quotedRel ? #"rel="next""# : "rel=next"
            let header = #"</v2/app/tags/list?last=\#(other)>; rel="prev", <\#(target)>; \#(rel)"#
            let next = LinkHeader.next(in: [header], relativeTo: base)
            #expect(next == URL(string: target, relativeTo: base)?.absoluteURL, "\(header)")
            #expect(LinkHeader.next(in: [#"</x?last=\#(other)>; rel="prev""#], relativeTo: base) == nil)
        }
    }

    @Test("LinkHeader.next never crashes or hangs on random and mutated headers")
    func linkFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            let seeds = [
                #"</v2/_catalog?last=x&n=100>; rel="next""#,
                #"<https://other.example/v2/x>; rel="next", <a>; rel=prev"#,
                #"</v2/../../secret?n=1>; rel="next""#, "<>; rel=next", "<<>>; rel=\"next\"",
                #"<a,b>; title="x,y"; rel="next""#,
            ]
            guard let base = ParserPropertyTests.base else { exit(2) }
            FuzzInput.runInChild(
                "LinkHeader.next",
                ParserPropertyTests.fuzzInputs(seeds: seeds, seed: 2), describe: { String(reflecting: $0) }
            ) { header in
                _ = LinkHeader.next(in: [header, header], relativeTo: base)
                return nil
            }
        }
        Self.report(result, parser: "LinkHeader.next")
    }

    // MARK: Manifest and ImageConfig

    static let manifestSeeds = [
        #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":1}],"annotations":{"a":"b"}}"#,
        #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":9223372036854775807,"platform":{"architecture":"amd64","os":"linux"}}],"subject":{"mediaType":"x","digest":"sha512:abcd","size":-1}}"#,
        #"{"schemaVersion":1,"name":"app","tag":"1","fsLayers":[],"signatures":[{}]}"#, "{}", "[]", "null", "",
    ]

    @Test("Manifest(body:) never crashes on mutated bodies and content types; what it accepts keeps its exact bytes")
    func manifestFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            let types = [
                nil, "", "application/json", MediaType.ociIndex, MediaType.dockerSchema1Signed, "text/html; charset=x",
                ";;;",
            ]
            let inputs = ParserPropertyTests.fuzzData(seeds: ParserPropertyTests.manifestSeeds, seed: 3)
            FuzzInput.runInChild("Manifest(body:)", inputs.enumerated(), describe: { $0.element.base64EncodedString() })
            { index, body in
                let digest = Digest.sha256(of: body)
                guard let manifest = try? Manifest(body: body, digest: digest, contentType: types[index % types.count])
                else {
                    return nil
                }
                return manifest.body == body && manifest.digest == digest ? nil : "body or digest changed"
            }
        }
        Self.report(result, parser: "Manifest(body:)")
    }

    @Test("Manifest(body:) reads back the descriptors of a manifest built from random ones")
    func manifestRoundTrip() async throws {
        let digest = Gen<Character?>.element(of: Array("0123456789abcdef") as [Character]).map { $0 ?? "0" }.string(
            of: 64
        )
        .map { "sha256:" + $0 }
        let descriptor = zip(digest, Gen.int64(in: 0...Int64.max)).map { digest, size in
            ["mediaType": MediaType.ociLayerGzip, "digest": digest, "size": size] as [String: any Sendable]
        }
        await propertyCheck(count: 100, input: descriptor.array(of: 0...8)) { layers in
            let document: [String: Any] = ["schemaVersion": 2, "mediaType": MediaType.ociManifest, "layers": layers]
            let body = try JSONSerialization.data(withJSONObject: document)
            let manifest = try Manifest(body: body, digest: Digest.sha256(of: body), contentType: nil)
            #expect(manifest.kind == .image)
            #expect(manifest.layers.map(\.digest.description) == layers.map { $0["digest"] as? String ?? "" })
            #expect(manifest.layers.map(\.size) == layers.map { $0["size"] as? Int64 ?? -1 })
        }
    }

    @Test("ImageConfig(json:) never crashes on mutated configs")
    func imageConfigFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            let seeds = [
                #"{"created":"2023-06-01T12:00:00.123456789+02:00","architecture":"arm64","os":"linux","variant":"v8","config":{"Labels":{"a":"b"}}}"#,
                #"{"created":"1970-01-01T00:00:00Z"}"#, #"{"created":"9999-99-99T99:99:99.9999999999999999999Z"}"#,
                #"{"created":12,"config":{"Labels":null}}"#,
            ]
            FuzzInput.runInChild(
                "ImageConfig(json:)",
                ParserPropertyTests.fuzzData(seeds: seeds, seed: 4), describe: { $0.base64EncodedString() }
            ) { json in
                _ = try? ImageConfig(json: json)
                return nil
            }
        }
        Self.report(result, parser: "ImageConfig(json:)")
    }

    @Test("ImageConfig(json:) reads back a random created time (to the second) and platform")
    func imageConfigRoundTrip() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...4_000_000_000), Self.token, Self.token) {
            seconds, arch, os in
            let created = Date(timeIntervalSince1970: TimeInterval(seconds))
            let json = #"{"created":"\#(RFC3339.format(created))","architecture":"\#(arch)","os":"\#(os)"}"#
            let config = try ImageConfig(json: Data(json.utf8))
            #expect(config.created == created, "\(json)")
            #expect(config.platform == Platform(architecture: arch, os: os))
        }
    }

    // MARK: RegistryError.details

    @Test("RegistryError.details(from:) never crashes on mutated error bodies")
    func errorDetailsFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            let seeds = [
                #"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Name":"app","Action":"pull"}]}]}"#,
                #"{"errors":null}"#, #"{"errors":[{}]}"#, #"{"errors":[{"code":1,"message":["x"]}]}"#,
                "<html>502 Bad Gateway</html>",
            ]
            FuzzInput.runInChild(
                "RegistryError.details(from:)",
                ParserPropertyTests.fuzzData(seeds: seeds, seed: 5), describe: { $0.base64EncodedString() }
            ) { body in
                _ = RegistryError.details(from: body)
                return nil
            }
        }
        Self.report(result, parser: "RegistryError.details(from:)")
    }

    @Test("RegistryError.details(from:) reads back random codes and messages")
    func errorDetailsRoundTrip() async {
        let entry = zip(Self.printable, Self.anyText).map { RegistryError.Detail(code: $0, message: $1) }
        await propertyCheck(count: 200, input: entry.array(of: 0...4)) { details in
            struct Envelope: Encodable { var errors: [RegistryError.Detail] }
            let body = try JSONEncoder().encode(Envelope(errors: details))
            #expect(RegistryError.details(from: body) == details)
        }
    }

    // MARK: DockerCredentials

    /// A folder with `config.json` and an empty helper search path (so no helper can ever run).
    static func withConfig<T>(_ data: Data, _ body: (DockerCredentials) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("regsweep-fuzz-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("config.json").path
        try data.write(to: URL(fileURLWithPath: path))
        return try body(
            DockerCredentials(configPath: path, searchPath: folder.appendingPathComponent("no-helpers").path))
    }

    @Test("DockerCredentials reads back random usernames and passwords (auth and username/password forms)")
    func dockerCredentialsRoundTrip() async throws {
        let username = Gen.letterOrNumber.string(of: 1...16)
        await propertyCheck(count: 100, input: username, Self.printable, Gen.bool) { user, password, asAuth in
            let entry: [String: String] =
                asAuth
                ? ["auth": Data("\(user):\(password)".utf8).base64EncodedString()]
                : ["username": user, "password": password]
            let config = try JSONSerialization.data(withJSONObject: [
                "auths": ["https://registry.example.test:5000/v1/": entry]
            ])
            let found = try Self.withConfig(config) { try $0.credentials(for: "registry.example.test:5000") }
            #expect(found == .basic(username: user, password: password))
        }
    }

    @Test("DockerCredentials never crashes on a mutated config.json (no helper is ever run)")
    func dockerCredentialsFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            let seeds = [
                #"{"auths":{"registry.example.test":{"auth":"YWxpY2U6cHc="}}}"#,
                #"{"auths":{"https://registry.example.test/v1/":{"username":"a","password":"b","identitytoken":""}}}"#,
                #"{"auths":{"registry.example.test":{"auth":"bm9jb2xvbg=="}}}"#,
                #"{"auths":{"registry.example.test":{"auth":"!!"}}}"#,
                #"{"credHelpers":{"registry.example.test":"../../bin/true"},"credsStore":""}"#, #"{"auths":[]}"#,
            ]
            FuzzInput.runInChild(
                "DockerCredentials",
                ParserPropertyTests.fuzzData(seeds: seeds, count: 1000, seed: 6), describe: { $0.base64EncodedString() }
            ) { data in
                try ParserPropertyTests.withConfig(data) { credentials in
                    _ = try? credentials.credentials(for: "registry.example.test")
                }
                return nil
            }
        }
        Self.report(result, parser: "DockerCredentials")
    }

    // MARK: RetryPolicy

    static let httpDate: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter
    }()

    @Test("RetryPolicy.parseRetryAfter reads delta-seconds and HTTP dates")
    func retryAfterRoundTrip() async {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        await propertyCheck(count: 200, input: Gen.int(in: 0...10_000_000)) { seconds in
            #expect(RetryPolicy.parseRetryAfter("\(seconds)", now: now) == Double(seconds))
            let date = Self.httpDate.string(from: now.addingTimeInterval(TimeInterval(seconds)))
            #expect(RetryPolicy.parseRetryAfter(date, now: now) == Double(seconds), "\(date)")
        }
    }

    @Test(
        "RetryPolicy.delay stays within 0...maxDelay for absurd Retry-After values (each in a child: some trap today)",
        arguments: [
            "1e300", "inf", "Infinity", "1e19", "9223372036854775807", "18446744073709551616", "nan", "-1", "-0",
            "0x10",
            "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", " 5 ",
            "",
        ])
    func retryAfterDelayCapped(value: String) async {
        let result = await #expect(processExitsWith: .success) { [value] in
            FuzzInput.runInChild("RetryPolicy.delay \(value)", [value], describe: { String(reflecting: $0) }) { value in
                let policy = RetryPolicy(maxAttempts: 2, maxDelay: .milliseconds(200))
                let delay = policy.delay(afterAttempt: 1, retryAfter: value)
                return delay >= .zero && delay <= .milliseconds(200) ? nil : "delay \(delay)"
            }
        }
        Self.report(result, parser: "RetryPolicy.delay \(value)")
    }

    @Test("RetryPolicy.parseRetryAfter and delay never crash or exceed maxDelay on random and mutated values")
    func retryAfterFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            let seeds = ["0", "120", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT", "1e3", "Fri, 31 Dec 9999 23:59:59 GMT"]
            let policy = RetryPolicy(maxAttempts: 3, maxDelay: .milliseconds(200))
            FuzzInput.runInChild(
                "RetryPolicy",
                ParserPropertyTests.fuzzInputs(seeds: seeds, seed: 7), describe: { String(reflecting: $0) }
            ) { value in
                if let seconds = RetryPolicy.parseRetryAfter(value), !(seconds >= 0) {
                    return "negative or NaN \(seconds)"
                }
                let delay = policy.delay(afterAttempt: 2, retryAfter: value)
                return delay >= .zero && delay <= .milliseconds(200) ? nil : "delay \(delay)"
            }
        }
        Self.report(result, parser: "RetryPolicy")
    }
}
