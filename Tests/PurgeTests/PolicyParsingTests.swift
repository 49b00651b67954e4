import Foundation
import Purge
import Testing

@Suite struct FilterParsingTests {
    @Test(arguments: [
        ("my-app:^((?!prod|dev).)*$", "my-app", "^((?!prod|dev).)*$"),
        (".*:.*", ".*", ".*"),
        ("another-app:2.0.0", "another-app", "2.0.0"),
        ("(?:team|ops)/.*:v[[:digit:]]+", "(?:team|ops)/.*", "v[[:digit:]]+"),
        ("(?i:MY-APP):[^:]+", "(?i:MY-APP)", "[^:]+"),
        ("a\\:b:c", "a\\:b", "c"),
    ])
    func splitsOnTheSeparatorColon(text: String, repository: String, tag: String) throws {
        let filter = try PurgeFilter(text)
        #expect(filter.repository.pattern == "^(?:\(repository))$")
        #expect(filter.tag.pattern == tag)
    }

    @Test(arguments: ["my-app", "my-app:1.0:extra", ":latest", "my-app:", ""])
    func rejectsWrongShapes(text: String) {
        #expect {
            try PurgeFilter(text)
        } throws: { error in
            let error = error as? PurgeError
            return error?.field == .filter && error?.message.contains("'\(text)'") == true
                && error?.message.contains("REPOSITORY-REGEX:TAG-REGEX") == true
        }
    }

    @Test func invalidRegexNamesPatternAndColumn() throws {
        let error = try #require(throws: PurgeError.self) { try PurgeFilter("my-app:v1.(") }
        #expect(error.message.contains("'v1.('"))
        #expect(error.column == 12)
        #expect(error.message.contains("column 12"))
        let repositoryError = try #require(throws: PurgeError.self) { try PurgeFilter("my-(app:latest") }
        #expect(repositoryError.message.contains("'my-(app'"))
        let unclosed = try #require(throws: PurgeError.self) { try PurgeFilter("my-[app:latest") }
        #expect(unclosed.message.contains("left unclosed"))
    }

    @Test func repositoryMustMatchWholeName() throws {
        let filter = try PurgeFilter("a|b:.*")
        #expect(filter.matches(repository: "a"))
        #expect(filter.matches(repository: "b"))
        #expect(!filter.matches(repository: "ax"))
        #expect(!filter.matches(repository: "xb"))
    }

    @Test func tagRegexSearchesAnywhereAndLookaroundWorks() throws {
        let filter = try PurgeFilter("my-app:^((?!prod|dev).)*$")
        #expect(filter.matches(repository: "my-app", tag: "1.0.0"))
        #expect(!filter.matches(repository: "my-app", tag: "prod"))
        #expect(!filter.matches(repository: "my-app", tag: "dev-2"))
        let unanchored = try PurgeFilter("my-app:rc")
        #expect(unanchored.matches(repository: "my-app", tag: "1.0-rc2"))
    }
}

@Suite struct AgoParsingTests {
    static let accepted: [(String, Double)] = [
        ("30d", 2_592_000), ("1d3h", 97_200), ("15m", 900), ("0d", 0), ("2h30m", 9000), ("1.5h", 5400), ("90s", 90),
    ]

    @Test(arguments: accepted)
    func parsesAcceptedForms(text: String, seconds: Double) throws {
        #expect(try AgoDuration.parse(text) == seconds)
    }

    /// `acr` turns `xd` into 0 and `2days` into 150 years; both must be errors here.
    @Test(arguments: ["xd", "2days", "", "30", "0", "-1d", "1y", "d", "3h30", "1.2.3h"])
    func rejectsEverythingElse(text: String) {
        #expect {
            try AgoDuration.parse(text)
        } throws: { error in
            guard let error = error as? PurgeError, error.field == .ago else { return false }
            return error.message.contains("accepted forms") && error.message.contains("30d")
        }
    }

    @Test func capsAt150Years() throws {
        #expect(throws: PurgeError.self) { try AgoDuration.parse("60000d") }
        #expect(try AgoDuration.parse("54000d") == 54000 * 86400)
    }

    @Test func formatsBack() {
        #expect(AgoDuration.format(30 * 86400) == "30d")
        #expect(AgoDuration.format(86400 + 3 * 3600 + 60) == "1d3h1m")
    }
}

@Suite struct PolicyParsingTests {
    @Test func agoIsRequiredUnlessUntaggedOnly() throws {
        let error = try #require(throws: PurgeError.self) { try PurgePolicy.parse(filters: [".*:.*"], ago: nil) }
        #expect(error.field == .ago)
        #expect(error.message.contains("--ago 0d"))
        let policy = try PurgePolicy.parse(filters: [], ago: nil, untaggedOnly: true)
        #expect(policy.ago == nil)
    }

    @Test func untaggedAndUntaggedOnlyExcludeEachOther() {
        #expect(throws: PurgeError.self) {
            try PurgePolicy.parse(filters: [".*:.*"], ago: "0d", untagged: true, untaggedOnly: true)
        }
    }

    @Test func needsAFilterAndANonNegativeKeep() {
        #expect(throws: PurgeError.self) { try PurgePolicy.parse(filters: [], ago: "0d") }
        #expect(throws: PurgeError.self) { try PurgePolicy.parse(filters: [".*:.*"], ago: "0d", keep: -1) }
    }

    @Test func protectIsParsedWithItsOwnField() throws {
        let error = try #require(throws: PurgeError.self) {
            try PurgePolicy.parse(filters: [".*:.*"], ago: "0d", protect: ["nocolon"])
        }
        #expect(error.field == .protect)
        #expect(error.message.contains("--protect"))
    }

    @Test func zeroAgoConsultsNoAge() throws {
        let now = Date()
        #expect(try PurgePolicy.parse(filters: [".*:.*"], ago: "0d").cutoff(now: now) == nil)
        #expect(try PurgePolicy.parse(filters: [".*:.*"], ago: "1d").cutoff(now: now) == now.addingTimeInterval(-86400))
    }
}
