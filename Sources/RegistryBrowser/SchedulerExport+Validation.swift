import Purge

/// What keeps an export from working in its scheduler, said before anything is printed.
extension SchedulerExport {
    /// Every problem with the values for `format`, as messages naming the option to change; empty
    /// when the export can be printed.
    public func problems(for format: SchedulerFormat) -> [String] {
        var problems: [String] = []
        if let problem = Self.scheduleProblem(schedule) { problems.append(problem) }
        if image.isEmpty || image.contains(where: { $0.isWhitespace })
            || image.unicodeScalars.contains(where: YAMLQuoting.needsEscape)
        {
            problems.append("--image must be an image reference without spaces, e.g. \(Self.defaultImage)")
        }
        if !Self.isLabel(name, maximum: 52) {
            problems.append(
                "--name must be lowercase letters, digits and '-', at most 52 characters (a CronJob name), e.g. \(Self.defaultName)"
            )
        }
        switch format {
        case .k8sCronJob:
            if connectionFlags.contains("--ca-cert") {
                problems.append(
                    "--ca-cert names a file in the repository, which a CronJob does not have: build the CA into "
                        + "the image's trust store (--image) instead")
            }
            if let namespace, !Self.isLabel(namespace, maximum: 63) {
                problems.append("--namespace must be a Kubernetes namespace name: lowercase letters, digits and '-'")
            }
            if !Self.isSubdomain(secret) {
                problems.append("--secret must be a Kubernetes secret name: lowercase letters, digits, '-' and '.'")
            }
        case .githubActions, .gitlabCI:
            if let problem = Self.repositoryPathProblem(policyPath, format: format) { problems.append(problem) }
        }
        return problems
    }

    /// A cron line every scheduler here reads: five fields of digits, names, `*`, `,`, `-` and `/`.
    static func scheduleProblem(_ schedule: String) -> String? {
        let fields = schedule.split(separator: " ", omittingEmptySubsequences: true)
        let allowed = { (character: Character) in
            character.isASCII && (character.isLetter || character.isNumber || "*,-/".contains(character))
        }
        guard fields.count == 5, fields.allSatisfy({ $0.allSatisfy(allowed) }) else {
            return "--schedule must be five cron fields (minute hour day-of-month month day-of-week), "
                + "e.g. '\(defaultSchedule)' for Mondays at 01:00 UTC"
        }
        return nil
    }

    /// The CI exports name the file by its path in the repository they check out.
    static func repositoryPathProblem(_ path: String, format: SchedulerFormat) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.isEmpty || path.hasPrefix("/") || parts.contains("..") {
            return "the \(format.title) reads the policy from the checked-out repository: give FILE as a path "
                + "relative to the repository's root, without '..' (run the export from the root)"
        }
        if path.unicodeScalars.contains(where: YAMLQuoting.needsEscape) {
            return "the policy's path holds a control character; rename the file"
        }
        if path.contains("$") {
            // GitHub evaluates `${{ … }}` anywhere in a workflow; GitLab expands `$VARIABLE` in `changes:`.
            return "the policy's path holds '$', which the \(format.title) would expand; rename the file"
        }
        return nil
    }

    /// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most `maximum` characters.
    static func isLabel(_ text: String, maximum: Int) -> Bool {
        guard !text.isEmpty, text.count <= maximum, text.first != "-", text.last != "-" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    /// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
    static func isSubdomain(_ text: String) -> Bool {
        guard text.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            isLabel(String($0), maximum: 63)
        }
    }
}
