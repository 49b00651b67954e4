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
                characters.insert(contentsOf: Array(repeating: piece, count: Int.random(in: 1...5, using: &rng)).joined(), at: start)
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

    /// Runs `check` on every input in this (child) process, printing each input to stderr first,
    /// with a watchdog: a hang past `seconds` ends the process with SIGALRM. A `check` that returns
    /// a message is a violated property: the process prints it and exits 1.
    public static func runInChild<Input>(
        _ inputs: some Sequence<Input>, watchdog seconds: UInt32 = 30, describe: (Input) -> String,
        _ check: (Input) throws -> String?
    ) -> Never {
        alarm(seconds)
        for input in inputs {
            // Written unbuffered, so that the last input before a trap is on stderr.
            FileHandle.standardError.write(Data(("INPUT " + describe(input) + "\n").utf8))
            do {
                if let violation = try check(input) {
                    FileHandle.standardError.write(Data("VIOLATION \(violation)\n".utf8))
                    exit(1)
                }
            } catch {
                FileHandle.standardError.write(Data("VIOLATION threw \(error)\n".utf8))
                exit(1)
            }
        }
        exit(0)
    }

    /// From a child's stderr: the last input it tried and the violation it reported, if any.
    public static func lastInput(in standardError: [UInt8]) -> String {
        let lines = String(decoding: standardError, as: UTF8.self).split(separator: "\n")
        let input = lines.last { $0.hasPrefix("INPUT ") }.map { String($0.dropFirst(6)) } ?? "(none)"
        let violation = lines.last { $0.hasPrefix("VIOLATION ") }.map { " — " + $0.dropFirst(10) } ?? ""
        return input + violation
    }
}
