import Foundation
import RegistryClient
import Testing

@testable import Purge

/// Counts calls per tag, across concurrent tasks.
private final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    func next(_ tag: String) -> Int {
        lock.withLock {
            counts[tag, default: 0] += 1
            return counts[tag] ?? 0
        }
    }

    func count(_ tag: String) -> Int { lock.withLock { counts[tag] ?? 0 } }
}

@Suite("Resolving many tags on a flaky network")
struct TagResolutionTests {
    static let digest = Digest.sha256(of: Data("x".utf8))
    static let tags = (0..<200).map { "t\($0)" }

    @Test("tags that failed once are asked again after the others, and the listing succeeds")
    func flakyOnce() async throws {
        let calls = Calls()
        let resolved = try await TagResolution.resolve(Self.tags, window: 8) { tag in
            let call = calls.next(tag)
            if tag.hasSuffix("7") && call == 1 { throw RegistryError(.unreachable, "reset") }
            return Self.digest
        }
        #expect(resolved.count == Self.tags.count)
        #expect(Set(resolved.map(\.0)) == Set(Self.tags))
        #expect(calls.count("t7") == 2)
        #expect(calls.count("t8") == 1)
    }

    @Test("a tag that keeps failing fails the listing after the last round")
    func keepsFailing() async {
        let calls = Calls()
        await #expect(throws: RegistryError.self) {
            _ = try await TagResolution.resolve(Self.tags, rounds: 3) { tag in
                _ = calls.next(tag)
                if tag == "t42" { throw RegistryError(.server, "always 503") }
                return Self.digest
            }
        }
        #expect(calls.count("t42") == 3)
    }

    @Test("zero rounds means one: a failure is never dropped silently")
    func zeroRounds() async {
        await #expect(throws: RegistryError.self) {
            _ = try await TagResolution.resolve(["a"], rounds: 0) { _ -> Digest? in throw RegistryError(.server, "503")
            }
        }
    }

    @Test("an error another round cannot fix fails at once")
    func permission() async {
        let calls = Calls()
        await #expect(throws: RegistryError.self) {
            _ = try await TagResolution.resolve(["a"], rounds: 3) { tag in
                _ = calls.next(tag)
                throw RegistryError(.forbidden, "denied")
            }
        }
        #expect(calls.count("a") == 1)
    }
}
