import RegistryClient
import Testing

@Suite("WWW-Authenticate parsing")
struct AuthChallengeTests {
    @Test("a Bearer challenge with realm, service and a scope holding a comma inside quotes")
    func bearerWithQuotedComma() throws {
        let header =
            #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#
        let challenges = AuthChallenge.parse(header)
        #expect(challenges.count == 1)
        let bearer = try #require(challenges.first)
        #expect(bearer.scheme == "bearer")
        #expect(bearer.realm == "https://auth.docker.io/token")
        #expect(bearer.service == "registry.docker.io")
        #expect(bearer.scope == "repository:samalba/my-app:pull,push")
    }

    @Test("a Basic challenge")
    func basic() {
        #expect(
            AuthChallenge.parse(#"Basic realm="Registry Realm""#) == [
                AuthChallenge(scheme: "basic", parameters: ["realm": "Registry Realm"])
            ])
    }

    @Test("several challenges in one header, in order, parameters not leaking between them")
    func severalChallenges() {
        let header = #"Basic realm="basic, realm", Bearer realm="https://auth.example/token",service="reg""#
        let challenges = AuthChallenge.parse(header)
        #expect(challenges.map(\.scheme) == ["basic", "bearer"])
        #expect(challenges.first?.parameters == ["realm": "basic, realm"])
        #expect(challenges.last?.parameters == ["realm": "https://auth.example/token", "service": "reg"])
    }

    @Test("escaped quotes and backslashes inside a quoted value are unescaped")
    func escapedQuotes() {
        let header = #"Bearer realm="https://auth.example/token",error="the \"quoted\" \\ value",scope="a,b""#
        let challenge = AuthChallenge.parse(header).first
        #expect(challenge?.parameters["error"] == #"the "quoted" \ value"#)
        #expect(challenge?.scope == "a,b")
        #expect(challenge?.realm == "https://auth.example/token")
    }

    @Test("scheme and parameter names are case-insensitive; spaces around '=' and ',' are allowed")
    func caseAndWhitespace() {
        let challenge = AuthChallenge.parse(#"BEARER Realm = "https://a/token" ,  Service="s""#).first
        #expect(challenge?.scheme == "bearer")
        #expect(challenge?.realm == "https://a/token")
        #expect(challenge?.service == "s")
    }

    @Test("unquoted parameter values end at a comma")
    func unquotedValues() {
        let challenge = AuthChallenge.parse("Bearer realm=https://a.example/token,service=registry.example").first
        #expect(challenge?.realm == "https://a.example/token")
        #expect(challenge?.service == "registry.example")
    }

    @Test("a token68 challenge does not swallow the challenge after it")
    func token68ThenBasic() {
        let challenges = AuthChallenge.parse(#"Negotiate abc123==, Basic realm="r""#)
        #expect(challenges.map(\.scheme) == ["negotiate", "basic"])
        #expect(challenges.last?.realm == "r")
    }

    @Test("empty and blank headers give no challenges", arguments: ["", "   ", " , ,"])
    func empty(header: String) {
        #expect(AuthChallenge.parse(header).isEmpty)
    }
}
