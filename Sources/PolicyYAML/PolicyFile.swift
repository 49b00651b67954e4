import Foundation
import Purge

/// A retention policy file: several purge rules in one YAML file, kept in git and run anywhere.
///
/// ```yaml
/// registry: myregistry.azurecr.io        # optional; -r on the command line wins
/// protect: ['.*:^latest$']               # never deleted, whatever a rule says
/// rules:                                 # tried in order: the first rule whose filters select a tag decides it
///   - name: releases
///     action: keep
///     filters: ['.*:^v[0-9]+\.[0-9]+\.[0-9]+$']
///   - name: ci
///     filters: ['ci-.*:.*']
///     ago: 14d
///     keep: 10
///     untagged: true
/// ```
public struct PolicyFile: Sendable, Equatable {
    /// The file as the user named it, for messages.
    public var path: String
    /// The registry the file names; `-r` on the command line wins over it.
    public var registry: String?
    public var retention: RetentionPolicy
    /// The same rules as written (key texts, not compiled), for editing and writing back.
    public var document: PolicyDocument
    /// The file's text as read, so that a write-back can keep its comments and see whether the
    /// file changed underneath.
    public var text: String
    /// Where each rule starts in the file (1-based line), in rule order.
    public var ruleLines: [Int]

    public init(
        path: String, registry: String?, retention: RetentionPolicy, document: PolicyDocument, text: String,
        ruleLines: [Int]
    ) {
        self.path = path
        self.registry = registry
        self.retention = retention
        self.document = document
        self.text = text
        self.ruleLines = ruleLines
    }

    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(PolicyFileError) -> PolicyFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(path, reason: "there is no such file; check the path")
        }
        guard !isFolder.boolValue else { throw .unreadable(path, reason: "it is a folder; name the policy file in it") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path, reason: "\(error.localizedDescription) (check that you may read it)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path, reason: "it is not UTF-8 text; save it as UTF-8")
        }
        return try parse(text, path: path)
    }

    /// Parses and checks policy text: every problem is reported, each at its line and column, with
    /// the same filter and duration checks as `purge`'s flags.
    public static func parse(_ text: String, path: String = "policy") throws(PolicyFileError) -> PolicyFile {
        var parser = PolicyFileParser(text: text)
        let parsed = parser.parse()
        guard parser.problems.isEmpty, let parsed else {
            throw PolicyFileError(path: path, problems: parser.problems)
        }
        return PolicyFile(
            path: path, registry: parsed.registry, retention: parsed.retention, document: parsed.document, text: text,
            ruleLines: parsed.ruleLines)
    }

    /// One line saying what the file holds, e.g. `policy.yaml: 3 rules (releases keep, ci delete, …)`.
    public var summary: String {
        let rules = retention.rules.map { "\($0.name ?? "?") \($0.action.rawValue)" }.joined(separator: ", ")
        let count = retention.rules.count
        var parts = ["\(count) \(count == 1 ? "rule" : "rules") (\(rules))"]
        let protect = retention.protect.count
        parts.append("\(protect) protect \(protect == 1 ? "filter" : "filters")")
        parts.append(registry.map { "registry \($0)" } ?? "no registry (give -r)")
        return "\(path): OK: " + parts.joined(separator: ", ")
    }
}
