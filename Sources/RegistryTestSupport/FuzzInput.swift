import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Mutations of well-formed parser inputs, and the loop a fuzzing child process runs.
///
/// Crash-freedom is checked in a child process (a Swift Testing exit test): a parser that traps
/// would otherwise take the whole test run down with it. The child prints each input to stderr
/// before trying it, so the parent can name the input that killed it.
public enum FuzzInput {
    /// Characters that break naive header, URL and JSON handling.
    public static let nasty: [String] = [
        "\"", "\\", ",", "=", ";", ":", "<", ">", " ", "\t", "\r\n", "\n", "\r", "\u{0}", "\u{1B}", "\u{7F}",
        "\u{9B}", "\u{301}", "👩‍👩‍👧", "é", "%", "%2e%2e", "..", "/", "?", "#", "&", "[", "]", "{", "}", "(", ")",
        "*", "+", "-", ".", "e", "E", "1e308", "-0", "9999999999999999999999", "NaN", "inf", "null", "true", "\u{FEFF}",
    ]

    /// The deterministic inputs of a fuzz run: the seeds, then as many more as `count` asks for,
    /// half `random` text and half mutations (one to three) of a seed.
    public static func inputs<Generator: RandomNumberGenerator>(
        seeds: [String], count: Int, using rng: inout Generator, random: (inout Generator) -> String
    ) -> [String] {
        var inputs = seeds
        while inputs.count < count {
            if Bool.random(using: &rng) {
                inputs.append(random(&rng))
            } else {
                var text = seeds.randomElement(using: &rng) ?? ""
                for _ in 0..<Int.random(in: 1...3, using: &rng) { text = mutate(text, using: &rng) }
                inputs.append(text)
            }
        }
        return inputs
    }

    /// One random mutation of `text`: insert, delete, duplicate, swap in a nasty piece, or truncate.
    public static func mutate(_ text: String, using rng: inout some RandomNumberGenerator) -> String {
        var characters = Array(text)
        let operations = Int.random(in: 1...4, using: &rng)
        for _ in 0..<operations {
            let position = characters.isEmpty ? 0 : Int.random(in: 0...characters.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0:
                characters.insert(contentsOf: nasty.randomElement(using: &rng) ?? "", at: position)
            case 1 where !characters.isEmpty:
                let end = min(characters.count, position + Int.random(in: 1...8, using: &rng))
                characters.removeSubrange(min(position, end)..<end)
            case 2 where !characters.isEmpty:
                let start = min(position, characters.count - 1)
                let end = min(characters.count, start + Int.random(in: 1...16, using: &rng))
                let piece = characters[start..<end]
                characters.insert(
                    contentsOf: Array(repeating: piece, count: Int.random(in: 1...5, using: &rng)).joined(), at: start)
            case 3 where !characters.isEmpty:
                let index = min(position, characters.count - 1)
                characters[index] = (nasty.randomElement(using: &rng) ?? "x").first ?? "x"
            case 4:
                characters = Array(characters.prefix(position))
            default:
                let scalar = Unicode.Scalar(UInt32.random(in: 0...0x2FF, using: &rng)) ?? "x"
                characters.insert(Character(scalar), at: position)
            }
        }
        return String(characters)
    }

    /// One random byte-level mutation of `data` (which then need not be UTF-8 at all).
    public static func mutate(_ data: Data, using rng: inout some RandomNumberGenerator) -> Data {
        var bytes = [UInt8](data)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
            case 1 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(position..<min(bytes.count, position + 4))
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return Data(bytes)
    }

    /// Where a fuzzing child of process `parent` records the input it is on, for parser `name`.
    ///
    /// A file, not stderr: when an exit test fails, Swift Testing hands the parent no output.
    public static func progressPath(name: String, parent: Int32) -> String {
        let safe = String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        return FileManager.default.temporaryDirectory.appendingPathComponent("regsweep-fuzz-\(parent)-\(safe)").path
    }

    /// Runs `check` on every input in this (child) process, recording each input first, with a
    /// watchdog: a hang past `seconds` ends the process with SIGALRM. A `check` that returns a
    /// message is a violated property: the process records it and exits 1.
    public static func runInChild<Input>(
        _ name: String, _ inputs: some Sequence<Input>, watchdog seconds: UInt32 = 30, describe: (Input) -> String,
        _ check: (Input) throws -> String?
    ) -> Never {
        alarm(seconds)
        let path = progressPath(name: name, parent: getppid())
        FileManager.default.createFile(atPath: path, contents: nil)
        let progress = FileHandle(forWritingAtPath: path)
        func record(_ line: String, replacing: Bool) {
            if replacing { try? progress?.truncate(atOffset: 0) }
            try? progress?.write(contentsOf: Data((line + "\n").utf8))
        }
        for input in inputs {
            record("INPUT " + describe(input), replacing: true)
            do {
                if let violation = try check(input) {
                    record("VIOLATION " + violation, replacing: false)
                    exit(1)
                }
            } catch {
                record("VIOLATION threw \(error)", replacing: false)
                exit(1)
            }
        }
        try? FileManager.default.removeItem(atPath: path)
        exit(0)
    }

    /// In the parent, after a child for `name` failed: the input it was on and what went wrong.
    /// Removes the record.
    public static func failedInput(name: String) -> String {
        let path = progressPath(name: name, parent: getpid())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no record)"
        return text.split(separator: "\n").map { $0.hasPrefix("INPUT ") ? String($0.dropFirst(6)) : String($0) }
            .joined(separator: " — ")
    }
}
