import Foundation
import PropertyBased
import Purge
import RegistryTestSupport
import Testing

/// Properties of the parsers of user input that decides what gets deleted: `--filter` and `--ago`.
///
/// As for the registry parsers: round trips in process, crash-freedom in a child process per
/// parser so that a trap names its input instead of ending the run.
@Suite("Purge parsers: properties and fuzzing")
struct PurgeParserPropertyTests {
    static let fuzzCount = 3000

    static let anyText = Gen<Character?>.element(
        of: Array(" :[]()?!^$.*+\\|{},-_/:0123456789abdhmnsuµxyzAZ\u{0}\u{1B}é😀") as [Character]
    )
    .map { $0 ?? "x" }.string(of: 0...40)

    static func fuzzInputs(seeds: [String], seed: UInt64) -> [String] {
        var rng = Xoshiro(seed: (seed, 0x5851_F42D_4C95_7F2D, 3, 5))
        return FuzzInput.inputs(seeds: seeds, count: fuzzCount, using: &rng) { anyText.run(using: &$0) }
    }

    /// Names the input a fuzzing child for `parser` died on (an exit test that fails gives no result).
    static func report(_ result: ExitTest.Result?, parser: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let failed = FuzzInput.failedInput(name: parser)
        guard result == nil else { return }
        Issue.record("\(parser) failed on input: \(failed)", sourceLocation: sourceLocation)
    }

    // MARK: PurgeFilter

    @Test("PurgeFilter: a literal repository and tag join into a filter that matches exactly them")
    func filterRoundTrip() async {
        let name = Gen.lowercaseLetter.string(of: 1...12)
        await propertyCheck(count: 200, input: name, Gen.letterOrNumber.string(of: 1...12)) { repository, tag in
            let filter = try PurgeFilter("\(repository):^\(tag)$")
            #expect(filter.literalRepository == repository)
            #expect(filter.matches(repository: repository, tag: tag))
            #expect(!filter.matches(repository: repository + "x", tag: tag))
            #expect(!filter.matches(repository: repository, tag: tag + "x"))
        }
    }

    @Test("PurgeFilter never crashes or hangs on random and mutated filters; what it accepts has one separator")
    func filterFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            let seeds = [
                "my-app:^((?!prod|dev).)*$", ".*:.*", "[[:digit:]]+:[^:]", "(?i:App):(?i-m:x)", "[:]:a", "a:[",
                "\\::\\:",
                "[[.:.]]:[[=:=]]", "(?:", "a:b:c", ":", "",
            ]
            FuzzInput.runInChild(
                "PurgeFilter",
                PurgeParserPropertyTests.fuzzInputs(seeds: seeds, seed: 21), describe: { String(reflecting: $0) }
            ) { text in
                for field in [PurgeError.Field.filter, .protect] {
                    guard let filter = try? PurgeFilter(text, field: field) else { continue }
                    if filter.text != text { return "text changed: \(filter.text)" }
                    _ = filter.literalRepository
                }
                return nil
            }
        }
        Self.report(result, parser: "PurgeFilter")
    }

    // MARK: AgoDuration

    @Test("AgoDuration: <d>d<h>h<m>m<s>s parses to its total, and format/parse round-trips")
    func agoRoundTrip() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...50_000), Gen.int(in: 0...23), Gen.int(in: 0...59), Gen.int(in: 0...59)
        ) { days, hours, minutes, seconds in
            let total = TimeInterval(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
            // `try?`: this arity of propertyCheck takes a non-throwing body; nil fails the comparison.
            #expect((try? AgoDuration.parse("\(days)d\(hours)h\(minutes)m\(seconds)s")) == total)
            #expect((try? AgoDuration.parse(AgoDuration.format(total))) == total, "\(AgoDuration.format(total))")
        }
    }

    @Test("AgoDuration never crashes on random and mutated durations; what it accepts is finite and within 150 years")
    func agoFuzz() async {
        let result = await #expect(processExitsWith: .success) {
            let seeds = [
                "30d", "1d3h", "0d", "15m", "2h30m", "1.5h", "10µs", "99999999999999999999d", "1e9h", "..5m", "1d1d",
                String(repeating: "9", count: 400) + "h", "-1h", " 5m ",
            ]
            FuzzInput.runInChild(
                "AgoDuration",
                PurgeParserPropertyTests.fuzzInputs(seeds: seeds, seed: 22), describe: { String(reflecting: $0) }
            ) { text in
                guard let interval = try? AgoDuration.parse(text) else { return nil }
                if !interval.isFinite || interval < 0 || interval > AgoDuration.maximum {
                    return "accepted \(interval)"
                }
                _ = AgoDuration.format(interval)
                return nil
            }
        }
        Self.report(result, parser: "AgoDuration")
    }
}
