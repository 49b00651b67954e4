import Foundation

/// The warm floor: the requests a warm dry run sent (its listings and one HEAD per tag, which it
/// cannot skip: the distribution API lists tags without digests, and a tag may have moved since the
/// last run), replayed with curl at the same concurrency against the same server, each once.
///
/// Not with wrk: a HEAD's answer announces the Content-Length of a body that never comes, and wrk
/// waits for that body (wg/wrk#198). curl's `--parallel` keeps up to N transfers in flight over a
/// pool of reused connections, one per transfer in flight, which is what regsweep does.
enum WarmFloor {
    /// What the replay measured.
    struct Result: Sendable {
        var requests: Int
        var wall: Duration
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Replays `requests` (GETs and HEADs, by URI) against `baseURL` on `connections` connections.
    static func run(
        curl: String, baseURL: String, requests: [(method: String, uri: String)], accept: String, connections: Int,
        folder: String
    ) async throws -> Result {
        let configPath = folder + "/curl-warm-floor.conf"
        try config(baseURL: baseURL, requests: requests, accept: accept, connections: connections)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let errors = folder + "/curl-warm-floor.err"
        let usage = try await Child.run(
            curl, ["--config", configPath], environment: ProcessInfo.processInfo.environment, stdout: "/dev/null",
            stderr: errors, timeout: .seconds(3600))
        guard usage.status == 0 else {
            let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw Failure(description: "curl exited \(usage.status) replaying the warm run:\n\(text.suffix(2000))")
        }
        return Result(requests: requests.count, wall: usage.wall)
    }

    /// A curl config: the GETs, then (`next`: options start afresh) the HEADs. Every URI is one the
    /// registry already logged, so it is sent as it is (`globoff`: no `[…]`/`{…}` ranges).
    static func config(
        baseURL: String, requests: [(method: String, uri: String)], accept: String, connections: Int
    ) throws -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        var gets: [String] = []
        var heads: [String] = []
        for request in requests {
            let line = "url = \"\(base)\(request.uri)\""
            switch request.method {
            case "GET": gets.append(line)
            case "HEAD": heads.append(line)
            default: throw Failure(description: "the warm floor replays GETs and HEADs, not \(request.method)")
            }
        }
        let perGroup = ["globoff", "header = \"Accept: \(accept)\""]
        var lines = ["parallel", "parallel-max = \(connections)", "silent", "show-error"]
        if !gets.isEmpty { lines += perGroup + gets }
        if !heads.isEmpty { lines += (gets.isEmpty ? [] : ["next"]) + ["head"] + perGroup + heads }
        return lines.joined(separator: "\n") + "\n"
    }
}
