import Purge
import TUICore

/// The browser on a policy file (`browse --policy FILE`): writing the edited rules back, with the
/// diff first, and the file's schedules in the export view.
extension BrowserModel {
    /// `w`: asks the run loop for the file's new text, to show the diff before anything is written.
    mutating func requestPolicyWrite() -> [BrowserCommand] {
        guard let policyFile, draft.isFile else {
            flash = Flash(
                "w writes a policy file: open one with regsweep browse --policy FILE (e exports this filter).")
            return []
        }
        guard draftErrors.isEmpty else {
            flash = Flash("The rules have errors: fix them first (f); nothing was written.", kind: .warning)
            return []
        }
        let document = draft.document(registry: policyFile.document.registry)
        guard document != policyFile.document else {
            flash = Flash("Nothing to write: \(policyFile.path) already states these rules.")
            return []
        }
        return [
            .renderPolicy(
                PolicyWrite(
                    path: policyFile.path, original: policyFile.text, document: document, origins: draft.origins))
        ]
    }

    /// The new text arrived: the diff opens, unless the rules changed in the meantime.
    mutating func receiveRendered(_ write: PolicyWrite) {
        guard let text = write.text, let policyFile, write.original == policyFile.text,
            write.document == draft.document(registry: policyFile.document.registry)
        else {
            flash = Flash("The rules changed while the diff was made: press w again.", kind: .warning)
            return
        }
        // A dialog that opened meanwhile (a deletion, the help) keeps the screen; w can be pressed again.
        guard overlay == nil else { return }
        overlay = .writePolicy(PolicyWriteState(write: write, diff: TextDiff.lines(from: write.original, to: text)))
    }

    /// `y` in the diff: write it.
    mutating func confirmPolicyWrite() -> [BrowserCommand] {
        guard case .writePolicy(let state) = overlay else { return [] }
        overlay = nil
        flash = Flash("Writing \(state.write.path)\(Theme(unicode: configuration.supportsUnicode).ellipsis)")
        return [.writePolicy(state.write)]
    }

    /// The file is written: it is the new baseline, and its rules are now in the draft's order.
    mutating func receiveWritten(_ write: PolicyWrite) {
        guard let text = write.text else { return }
        policyFile = PolicyFileSource(path: write.path, text: text, document: write.document)
        if draft.document(registry: write.document.registry) == write.document {
            draft.markWritten()
            // What is on disk is the new point esc goes back to: undoing past a write would leave
            // the screen and the file disagreeing.
            composer?.original = draft
        }
        let count = write.document.rules.count
        flash = Flash("Wrote \(write.path): \(BrowserFormat.count(count, "rule")). Review it with git diff.")
    }

    /// The header's word on the policy: the file and whether it has unsaved edits, or the flags.
    var headerPolicyText: String {
        if let policyFile {
            let count = BrowserFormat.count(draft.rules.count, "rule")
            // The file's name only: the header has little room, and the diff's title has the whole path.
            let name = policyFile.path.split(separator: "/").last.map(String.init) ?? policyFile.path
            return "policy: \(name) (\(count)\(hasUnsavedRules ? ", edited: w writes" : ""))"
        }
        return retention?.singlePolicy.map { "policy: \($0.flagSummary)" } ?? "policy: none yet (f composes one)"
    }

    /// The export view's lines for a policy file: the scheduler's YAML for the file as saved.
    func scheduleLines(_ format: SchedulerFormat, width: Int, theme: Theme) -> [[(String, Style)]] {
        guard let policyFile else { return [] }
        var lines: [[(String, Style)]] = []
        if hasUnsavedRules {
            lines.append([
                ("The rules are edited but not written: this runs the file as saved (w writes).", theme.warning)
            ])
            lines.append([])
        }
        let export = SchedulerExport(
            policyPath: policyFile.path, policyText: policyFile.text,
            registry: policyFile.document.registry == configuration.registry ? nil : configuration.registry,
            policyRegistry: policyFile.document.registry, connectionFlags: configuration.connectionFlags)
        let problems = export.problems(for: format)
        if !problems.isEmpty {
            for problem in problems { lines.append([("  \(problem)", theme.error)]) }
            return lines
        }
        for line in export.text(format).split(separator: "\n", omittingEmptySubsequences: false) {
            for part in TextWrap.lines(String(line), width: width) {
                lines.append([(part, line.drop { $0 == " " }.hasPrefix("#") ? theme.dim : .plain)])
            }
        }
        lines.append([])
        lines.append([("The same, without the browser:", theme.dim)])
        lines.append([("  regsweep policy export \(policyFile.path) --format \(format.rawValue)", theme.dim)])
        return lines
    }
}

extension RetentionDraft {
    /// After a write-back the file holds these rules in this order: each is now the file's rule
    /// at its own index.
    mutating func markWritten() {
        for index in rules.indices { rules[index].origin = index }
    }
}

extension SchedulerFormat {
    var next: SchedulerFormat {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }

    var previous: SchedulerFormat {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + all.count - 1) % all.count]
    }
}
