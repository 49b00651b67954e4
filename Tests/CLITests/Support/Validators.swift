import Foundation

/// The schema validators `scripts/install-deps.sh test` puts in a virtual environment:
/// check-jsonschema (GitHub workflows, GitLab CI) and kubernetes-validate, and the venv's Python
/// (with PyYAML and ruamel.yaml) to read what an export says.
enum Validators {
    struct Missing: Error, CustomStringConvertible {
        var tool: String
        var searched: [String]
        var description: String {
            "\(tool) is not installed (looked in \(searched.joined(separator: ", "))): run scripts/install-deps.sh test"
        }
    }

    /// Where the venv is: `$REGSWEEP_VALIDATORS`, else `${XDG_DATA_HOME:-~/.local/share}/regsweep/validators`
    /// (the same rule as the install script).
    static var folder: String {
        let environment = ProcessInfo.processInfo.environment
        if let folder = environment["REGSWEEP_VALIDATORS"], !folder.isEmpty { return folder }
        let data =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return data + "/regsweep/validators"
    }

    /// The venv's `tool`; a missing one fails the test with what to run.
    static func tool(_ name: String) throws -> String {
        let path = folder + "/bin/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(tool: name, searched: [path]) }
        return path
    }

    /// Runs a validator on `file`; returns its result (status 0 when the file is valid).
    static func run(_ name: String, _ arguments: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run(
            try tool(name), arguments,
            environment: [
                "PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "LANG": "C.UTF-8",
            ],
            timeout: .seconds(120))
    }

    /// The YAML documents of `file` as JSON values, read by ruamel.yaml (YAML 1.2, as GitHub and
    /// GitLab read) or PyYAML (YAML 1.1, as Kubernetes' tooling reads).
    static func documents(_ file: String, yaml11: Bool = false) async throws -> [Any] {
        let loader =
            yaml11
            ? "import yaml; docs = list(yaml.safe_load_all(f))"
            : "from ruamel.yaml import YAML; docs = list(YAML(typ='safe', pure=True).load_all(f))"
        let script = """
            import json, sys
            with open(sys.argv[1], encoding='utf-8') as f:
                \(loader)
            print(json.dumps(docs))
            """
        let result = try await run("python3", ["-c", script, file])
        guard result.status == 0, let documents = try JSONSerialization.jsonObject(with: result.stdout) as? [Any] else {
            throw Missing(tool: "a YAML reader for \(file): \(result.stderrText)", searched: [folder])
        }
        return documents
    }
}
