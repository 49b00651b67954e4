import Foundation
import RegistryClient

#if canImport(Glibc)
    import Glibc
#endif

/// Output helpers: results on stdout, progress and warnings on stderr.
enum Console {
    /// Whether stderr is a terminal (progress is drawn only then, never into logs or pipes).
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// A result line (or lines) on stdout, escaped: names and text in it may come from a registry.
    /// Written at once, not buffered, also into a pipe or a log: a run killed outright still leaves
    /// a record of every deletion it reported.
    static func out(_ text: String) {
        write(safe(text) + "\n", to: STDOUT_FILENO)
    }

    /// JSON on stdout, as the encoder wrote it (it escapes control characters itself; consumers
    /// need the exact values), unbuffered like every other result line.
    static func json(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    static func warn(_ message: String) {
        write("Warning: \(safe(message))\n", to: STDERR_FILENO)
    }

    /// An informational line on stderr, kept out of the results on stdout.
    static func note(_ message: String) {
        write("\(safe(message))\n", to: STDERR_FILENO)
    }

    static func error(_ message: String) {
        write("Error: \(safe(message))\n", to: STDERR_FILENO)
    }

    /// SIGPIPE ignored, once, before the first write: `regsweep tag list | head` must not die of
    /// it (Foundation's FileHandle traps on EPIPE), and a purge piped into a pager that quit must
    /// finish its deletions rather than stop between two of them.
    private static let pipeSignalIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Writes all of `text`; when the reader has gone (EPIPE) the output is dropped and the work
    /// goes on — what was deleted is in the journal either way.
    static func write(_ text: String, to descriptor: Int32) {
        _ = pipeSignalIgnored
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
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
        write("\r\u{1B}[2K\(message)", to: STDERR_FILENO)
    }

    /// Clears the progress line.
    static func endProgress() {
        guard stderrIsTerminal else { return }
        write("\r\u{1B}[2K", to: STDERR_FILENO)
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
