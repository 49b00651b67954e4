import Foundation

/// skopeo, an independent client, as the judge of the seeded storage and as a per-tag baseline.
enum SkopeoCheck {
    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    /// A timed run of `skopeo inspect` over a sample of tags.
    struct Loop: Sendable {
        var tags: Int
        var wall: Duration
    }

    /// Checks that the registry serves what was written: for one tag of each kind (and the last tag
    /// of the last repository), skopeo's digest and `created`; and the whole tag list of the first
    /// repository. Throws on any difference.
    static func verify(
        _ contents: StorageSeeder.Contents, host: String, skopeo: String, folder: String
    ) async throws -> String {
        guard let first = contents.repositories.first, let last = contents.repositories.last else {
            throw Mismatch(description: "nothing was seeded")
        }
        var sample = StorageSeeder.Kind.allCases.compactMap { kind in
            first.tags.first { $0.kind == kind }.map { (first.name, $0) }
        }
        if let tag = last.tags.last { sample.append((last.name, tag)) }
        for (repository, tag) in sample {
            let output = try await run(
                skopeo, ["inspect", "--tls-verify=false", "docker://\(host)/\(repository):\(tag.name)"], folder: folder)
            guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
                throw Mismatch(description: "skopeo inspect \(repository):\(tag.name) printed no JSON object")
            }
            let digest = object["Digest"] as? String
            guard digest == tag.digest else {
                throw Mismatch(
                    description:
                        "\(repository):\(tag.name): skopeo sees \(digest ?? "no digest"), \(tag.digest) was written")
            }
            if let created = tag.created, object["Created"] as? String != created {
                throw Mismatch(
                    description:
                        "\(repository):\(tag.name): skopeo sees created \(object["Created"] ?? "none"), \(created) was written"
                )
            }
        }
        let listed = try await run(
            skopeo, ["list-tags", "--tls-verify=false", "docker://\(host)/\(first.name)"], folder: folder)
        let names = (try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [String: Any])?["Tags"] as? [String]
        guard Set(names ?? []) == Set(first.tags.map(\.name)) else {
            throw Mismatch(
                description: "skopeo lists \(names?.count ?? 0) tags in \(first.name), \(first.tags.count) were written"
            )
        }
        return
            "skopeo agrees: \(sample.count) sampled tags (\(sample.map { $0.1.kind.rawValue }.joined(separator: ", "))) "
            + "have the digests and created times written; list-tags \(first.name) gives all \(first.tags.count) tags"
    }

    /// `skopeo inspect` on `sample` tags spread evenly over every repository, one after another.
    static func loop(
        _ contents: StorageSeeder.Contents, sample: Int, host: String, skopeo: String, folder: String
    ) async throws -> Loop {
        let all = contents.repositories.flatMap { repository in repository.tags.map { (repository.name, $0.name) } }
        let step = max(1, all.count / max(1, sample))
        let chosen = stride(from: 0, to: all.count, by: step).prefix(sample).map { all[$0] }
        let clock = ContinuousClock()
        let wall = try await clock.measure {
            for (repository, tag) in chosen {
                _ = try await run(
                    skopeo, ["inspect", "--tls-verify=false", "docker://\(host)/\(repository):\(tag)"], folder: folder)
            }
        }
        return Loop(tags: chosen.count, wall: wall)
    }

    private static func run(_ skopeo: String, _ arguments: [String], folder: String) async throws -> String {
        let stdout = folder + "/skopeo.out"
        let stderr = folder + "/skopeo.err"
        let usage = try await Child.run(
            skopeo, arguments, environment: ProcessInfo.processInfo.environment, stdout: stdout, stderr: stderr,
            timeout: .seconds(120))
        guard usage.status == 0 else {
            let errors = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
            throw Mismatch(description: "skopeo \(arguments.joined(separator: " ")) exited \(usage.status): \(errors)")
        }
        return (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
    }
}
