import ArgumentParser
import PolicyYAML
import Purge

/// Where a purge's rules and registry come from: `purge`'s flags, or a policy file (never both).
enum PolicySource {
    /// Reads a policy file. Its problems go to stderr, one `FILE:LINE:COLUMN: message` line each,
    /// and end the run as bad input (exit 64); no usage text, which would bury them.
    static func load(_ path: String) throws -> PolicyFile {
        do {
            return try PolicyFile.load(path: path)
        } catch {
            for line in error.lines { Console.error(line) }
            throw ExitCode.validationFailure
        }
    }

    /// Refuses policy flags next to `--policy`: which should win would be a guess, and a guess in
    /// a deletion tool is a trap.
    static func refuseFlags(_ options: PolicyOptions, with path: String) throws {
        let flags = options.given
        guard !flags.isEmpty else { return }
        throw ValidationError(
            "--policy \(path) states the rules, so \(flags.joined(separator: ", ")) cannot be added to it: "
                + "put \(flags.count == 1 ? "it" : "them") in a rule of the file, or drop --policy")
    }

    /// The registry to use: `-r` wins; without it, the file's `registry:`.
    static func registry(commandLine: String?, file: PolicyFile?) throws -> String {
        if let commandLine { return commandLine }
        if let registry = file?.registry { return registry }
        if let file {
            throw ValidationError("\(file.path) names no registry: add -r HOST[:PORT], or registry: HOST to the file")
        }
        throw ValidationError("missing -r/--registry: name the registry, e.g. -r myregistry.azurecr.io")
    }
}
