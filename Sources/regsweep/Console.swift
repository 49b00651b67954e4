import Foundation
import RegistryClient

/// Output helpers: results on stdout, progress and warnings on stderr.
enum Console {
    /// Whether stderr is a terminal (progress is drawn only then, never into logs or pipes).
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// A result line (or lines) on stdout, escaped: names and text in it may come from a registry.
    /// Written at once, not buffered, also into a pipe or a log: a run killed outright still leaves
    /// a record of every deletion it reported.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((safe(text) + "\n").utf8))
    }

    /// JSON on stdout, as the encoder wrote it (it escapes control characters itself; consumers
    /// need the exact values), unbuffered like every other result line.
    static func json(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("Warning: \(safe(message))\n".utf8))
    }

    /// An informational line on stderr, kept out of the results on stdout.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(safe(message))\n".utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("Error: \(safe(message))\n".utf8))
    }

    /// Messages may quote what a registry sent; escaping is idempotent, so text escaped at its
    /// source passes unchanged, and anything that was not cannot reach the terminal raw.
    static func safe(_ message: String) -> String {
        message.split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.escape(String($0)) }
            .joined(separator: "\n")
    }

    /// The command line as run, shell-quoted, with passwords left out: for "run this again" hints.
    static func commandLine(_ arguments: [String] = CommandLine.arguments) -> String {
        var words = ["regsweep"]
        var hideNext = false
        for argument in arguments.dropFirst() {
            if hideNext {
                words.append("'…'")
                hideNext = false
                continue
            }
            if argument == "-p" || argument == "--password" {
                words.append(argument)
                hideNext = true
            } else if argument.hasPrefix("--password=") {
                words.append("--password='…'")
            } else if argument.hasPrefix("-p") && argument.count > 2 && !argument.hasPrefix("--") {
                words.append("-p'…'")
            } else {
                words.append(quote(argument))
            }
        }
        return words.joined(separator: " ")
    }

    /// One shell word: bare when it is plain, else in single quotes.
    static func quote(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "-_./:=@,+%".unicodeScalars.contains($0)
            }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Redraws one progress line on stderr when it is a terminal.
    static func progress(_ message: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(message)".utf8))
    }

    /// Clears the progress line.
    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    /// Pretty, stable JSON for `--output json`.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        json(String(decoding: data, as: UTF8.self))
    }
}
