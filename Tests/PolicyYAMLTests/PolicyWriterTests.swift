import Foundation
import Purge
import Testing

@testable import PolicyYAML

/// Writing a policy back: unchanged lines stay as they were (comments too), changed values keep
/// their comments, and whatever is written reads back as the document that was written.
@Suite struct PolicyWriterTests {
    static let original = #"""
        # Retention for the build registry. Reviewed in pull requests.
        registry: myregistry.azurecr.io        # optional; -r on the command line wins
        protect: ['.*:^latest$']               # never deleted, whatever a rule says
        rules:
          # Releases stay forever.
          - name: releases
            action: keep
            filters: ['.*:^v[0-9]+\.[0-9]+\.[0-9]+$']

          # CI builds: two weeks, at least ten.
          - name: ci
            filters: ['ci-.*:.*']
            ago: 14d                           # two weeks
            keep: 10
            untagged: true
          - name: nightly
            filters:
              - '.*:^nightly-'
            ago: 3d
        # end of policy

        """#

    /// The document of `text`, failing the test when it does not parse.
    func document(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> PolicyDocument? {
        do {
            return try PolicyFile.parse(text).document
        } catch {
            Issue.record("does not parse: \(error.lines)\n\(text)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Writes `edited` over the original and checks it reads back as `edited`; returns the text.
    func write(
        _ edited: PolicyDocument, origins: [Int?]? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        let text = PolicyWriter.text(for: edited, original: Self.original, origins: origins)
        #expect(document(text, sourceLocation: sourceLocation) == edited, sourceLocation: sourceLocation)
        return text
    }

    /// The lines of `new` that are not in `old` and those of `old` not in `new`, as a diff would show.
    func changes(from old: String, to new: String) -> (removed: [String], added: [String]) {
        let difference = new.split(separator: "\n", omittingEmptySubsequences: false).difference(
            from: old.split(separator: "\n", omittingEmptySubsequences: false))
        var removed: [(Int, String)] = []
        var added: [(Int, String)] = []
        for change in difference {
            switch change {
            case .remove(let offset, let line, _): removed.append((offset, String(line)))
            case .insert(let offset, let line, _): added.append((offset, String(line)))
            }
        }
        return (removed.sorted { $0.0 < $1.0 }.map(\.1), added.sorted { $0.0 < $1.0 }.map(\.1))
    }

    var base: PolicyDocument {
        get throws { try #require(document(Self.original)) }
    }

    @Test func anUnchangedDocumentIsWrittenByteForByte() throws {
        #expect(write(try base) == Self.original)
    }

    @Test func aChangedValueChangesOneLineAndKeepsItsComment() throws {
        var edited = try base
        edited.rules[1].ago = "7d"
        let text = write(edited)
        let diff = changes(from: Self.original, to: text)
        #expect(diff.removed == ["    ago: 14d                           # two weeks"])
        #expect(diff.added == ["    ago: 7d                           # two weeks"])
    }

    @Test func aBlockListStaysABlockList() throws {
        var edited = try base
        edited.rules[2].filters = [".*:^nightly-", ".*:^pr-[0-9]+$"]
        let diff = changes(from: Self.original, to: write(edited))
        #expect(diff.removed == [])
        #expect(diff.added == ["      - '.*:^pr-[0-9]+$'"])
    }

    @Test func aNewRuleGoesAtTheEndInTheFilesIndentation() throws {
        var edited = try base
        edited.rules.append(.init(name: "pr", filters: ["app:^pr-"], ago: "1d", untagged: true))
        let diff = changes(from: Self.original, to: write(edited, origins: [0, 1, 2, nil]))
        #expect(diff.removed == [])
        #expect(diff.added == ["  - name: pr", "    filters: ['app:^pr-']", "    ago: 1d", "    untagged: true"])
    }

    @Test func removingARuleRemovesItsLinesAndItsComments() throws {
        var edited = try base
        edited.rules.remove(at: 1)
        let diff = changes(from: Self.original, to: write(edited, origins: [0, 2]))
        #expect(
            diff.removed == [
                "", "  # CI builds: two weeks, at least ten.", "  - name: ci", "    filters: ['ci-.*:.*']",
                "    ago: 14d                           # two weeks", "    keep: 10", "    untagged: true",
            ])
        #expect(diff.added == [])
    }

    @Test func reorderedRulesTakeTheirCommentsAlong() throws {
        var edited = try base
        edited.rules.swapAt(0, 1)
        let text = write(edited, origins: [1, 0, 2])
        #expect(
            text.contains(
                "rules:\n\n  # CI builds: two weeks, at least ten.\n  - name: ci\n    filters: ['ci-.*:.*']\n"))
        #expect(text.contains("    untagged: true\n  # Releases stay forever.\n  - name: releases\n"))
    }

    @Test func aRenamedRuleKeepsItsOtherLines() throws {
        var edited = try base
        edited.rules[1].name = "ci-builds"
        let diff = changes(from: Self.original, to: write(edited, origins: [0, 1, 2]))
        #expect(diff.removed == ["  - name: ci"])
        #expect(diff.added == ["  - name: ci-builds"])
    }

    @Test func aRuleTurnedIntoAKeepRuleLosesTheKeysAKeepRuleRefuses() throws {
        var edited = try base
        edited.rules[2] = .init(name: "nightly", action: .keep, filters: [".*:^nightly-"])
        let diff = changes(from: Self.original, to: write(edited))
        #expect(diff.removed == ["    ago: 3d"])
        #expect(diff.added == ["    action: keep"])
        // Where `action` belongs: under the name.
        #expect(write(edited).contains("  - name: nightly\n    action: keep\n    filters:\n"))
    }

    @Test func switchesAndProtectChangesAreWrittenWhereTheyBelong() throws {
        var edited = try base
        edited.rules[2].includeLocked = true
        edited.rules[1].untagged = false
        edited.protect = [".*:^latest$", "base:.*"]
        let diff = changes(from: Self.original, to: write(edited))
        #expect(
            diff.removed == [
                "protect: ['.*:^latest$']               # never deleted, whatever a rule says", "    untagged: true",
            ])
        #expect(
            diff.added == [
                "protect: ['.*:^latest$', 'base:.*']               # never deleted, whatever a rule says",
                "    untagged: false", "    include-locked: true",
            ])
    }

    @Test func mergeKeysStayAndAChangedMergedValueBecomesTheRulesOwn() throws {
        let original = """
            x-ci: &ci
              ago: 14d
              untagged: true
            rules:
              - name: ci
                <<: *ci
                filters: ['ci-.*:.*']

            """
        var edited = try #require(document(original))
        #expect(PolicyWriter.text(for: edited, original: original) == original)
        edited.rules[0].ago = "7d"
        let text = PolicyWriter.text(for: edited, original: original)
        #expect(text == original + "    ago: 7d\n")
        #expect(document(text) == edited)
    }

    @Test func aRuleInFlowStyleIsWrittenAnewAndReadsTheSame() throws {
        let original = "rules:\n  - {name: ci, filters: ['ci-.*:.*'], ago: 14d}\n"
        var edited = try #require(document(original))
        edited.rules[0].keep = 3
        let text = PolicyWriter.text(for: edited, original: original)
        #expect(text == "rules:\n  - name: ci\n    filters: ['ci-.*:.*']\n    ago: 14d\n    keep: 3\n")
        #expect(document(text) == edited)
    }

    @Test func aNewFileReadsBackAsItsDocument() throws {
        let document = PolicyDocument(
            registry: "127.0.0.1:5000", protect: [".*:^latest$"],
            rules: [
                .init(name: "releases", action: .keep, filters: [#".*:^v[0-9]+\.[0-9]+$"#]),
                .init(name: "it's", filters: ["a:b", "c:'d'"], ago: "1d12h", keep: 2, untaggedOnly: false),
                .init(name: "untagged", filters: [], untaggedOnly: true, includeLocked: true),
            ])
        let text = PolicyWriter.text(for: document)
        #expect(self.document(text) == document)
        #expect(text.hasPrefix("registry: '127.0.0.1:5000'\nprotect: ['.*:^latest$']\nrules:\n  - name: releases\n"))
    }

    @Test func endOfLineCommentsAreFoundOutsideQuotesOnly() {
        #expect(PolicySourceLayout.trailingComment("  ago: 14d  # two weeks") == "  # two weeks")
        #expect(PolicySourceLayout.trailingComment("  filters: ['a:#b']") == "")
        #expect(PolicySourceLayout.trailingComment(##"  filters: ["a:\"#", 'it''s #x'] # why"##) == " # why")
        #expect(PolicySourceLayout.trailingComment("  name: a#b") == "")
    }

    @Test func replacingAFileKeepsItsModeAndNeverOverwritesAnEditMadeElsewhere() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("retention.yaml").path
        try Self.original.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        var edited = try base
        edited.rules[1].keep = 5
        let text = try PolicyFile.rendered(edited, path: path, original: Self.original, origins: nil)
        try PolicyFile.replace(path: path, with: text, expecting: Self.original)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["retention.yaml"])
        // Someone edits the file meanwhile: the next write refuses, and the file keeps their edit.
        let theirs = text + "# theirs\n"
        try theirs.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: PolicyFileError.self) {
            try PolicyFile.replace(path: path, with: Self.original, expecting: text)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == theirs)
        do {
            try PolicyFile.replace(path: path, with: Self.original, expecting: text)
        } catch {
            #expect(error.lines.first?.contains("it changed on disk since regsweep read it") == true)
        }
    }

    @Test func aSymlinkedPolicyIsWrittenWhereItPoints() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real.yaml").path
        let link = folder.appendingPathComponent("retention.yaml").path
        try Self.original.write(toFile: real, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        var edited = try base
        edited.rules[2].ago = "5d"
        let text = try PolicyFile.rendered(edited, path: link, original: Self.original, origins: nil)
        try PolicyFile.replace(path: link, with: text, expecting: Self.original)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real)
        #expect(try String(contentsOfFile: real, encoding: .utf8) == text)
    }

    @Test func aRenderedTextIsCheckedToReadBackAsItsRules() throws {
        var edited = try base
        edited.rules[0].filters = ["'quoted':x", "a:\\d+ #no comment"]
        let text = try PolicyFile.rendered(edited, path: "p.yaml", original: Self.original, origins: nil)
        #expect(document(text) == edited)
        #expect(text.contains(#"    filters: ["'quoted':x", 'a:\d+ #no comment']"#))
    }

    @Test func windowsLineBreaksAndAMissingLastLineBreakStayAsTheyWere() throws {
        let original = "# policy\r\nrules:\r\n  - name: ci\r\n    filters: ['a:b']\r\n    ago: 14d"
        var edited = try #require(document(original))
        #expect(PolicyWriter.text(for: edited, original: original) == original)
        edited.rules[0].ago = "7d"
        let text = PolicyWriter.text(for: edited, original: original)
        #expect(text == original.replacingOccurrences(of: "ago: 14d", with: "ago: 7d"))
        #expect(document(text) == edited)
    }
}
