import Foundation
import RegistryTestSupport

/// One size: seed, check with skopeo, then cold dry run, warm dry run, the wrk floor and the warm
/// floor (per round), then the skopeo loop; prints the figures as a table.
struct BenchmarkRun: Sendable {
    var tools: Tools
    var tags: Int
    var repositories: Int
    var concurrency: Int
    var rounds: Int
    var skopeoSample: Int
    var deletion: Bool
    var browser: Bool
    var filter: String
    var ago: String
    var folder: String

    /// The full `Accept` list a client sends for manifests.
    static let manifestAccept = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ].joined(separator: ", ")

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One dry run's figures.
    struct DryRun: Sendable {
        var usage: Child.Usage
        var traffic: AccessLog.Traffic
        /// The plan's `Number of …` lines.
        var planSummary: String
    }

    /// One round's figures.
    struct Round: Sendable {
        var loadBefore: String
        var cold: DryRun
        var warm: DryRun
        var floor: WrkFloor.Result
        var floorTraffic: AccessLog.Traffic
        /// The warm run's own requests replayed with curl.
        var warmFloor: WarmFloor.Result
        var warmFloorTraffic: AccessLog.Traffic
    }

    func measure(on registry: TestRegistry) async throws {
        let log = AccessLog(path: registry.logPath)
        say("\n== \(Format.count(tags)) tags in \(repositories) repositories, concurrency \(concurrency)")
        say("seeding (writing the storage layout)…")
        let contents = try StorageSeeder(tags: tags, repositories: repositories, now: Date())
            .write(into: registry.storageDirectory)
        let kinds = StorageSeeder.Kind.allCases.map { "\(Format.count(contents.count($0))) \($0.rawValue)" }
        say(
            "seeded \(Format.count(contents.tagCount)) tags (\(kinds.joined(separator: ", "))), "
                + "\(Format.count(contents.manifestCount)) manifests, \(Format.count(contents.configCount)) configs: "
                + "\(Format.count(contents.files)) files written in \(Format.wall(contents.duration))")
        say(try await SkopeoCheck.verify(contents, host: registry.host, skopeo: tools.skopeo, folder: folder))

        var results: [Round] = []
        for round in 1...rounds {
            let loadBefore = Machine.load()
            let cache = folder + "/cache-\(round)"
            say("round \(round): cold dry run, warm dry run, wrk floor, warm floor…")
            let cold = try await dryRun(registry: registry, log: log, cache: cache, label: "cold-\(round)")
            say("  cold: \(Self.brief(cold))")
            let warm = try await dryRun(registry: registry, log: log, cache: cache, label: "warm-\(round)")
            say("  warm: \(Self.brief(warm))")
            let requests = floorRequests(contents, seen: cold.traffic)
            let mark = log.mark()
            let floor = try await WrkFloor.run(
                wrk: tools.wrk, baseURL: registry.baseURL.absoluteString, requests: requests,
                accept: Self.manifestAccept, connections: concurrency,
                threads: min(ProcessInfo.processInfo.activeProcessorCount, concurrency), folder: folder)
            try await Task.sleep(for: .milliseconds(300))
            let floorTraffic = try log.traffic(from: mark, to: log.mark())
            say("  floor: \(Format.count(floor.requests)) requests in \(Format.wall(floor.wall))")
            let warmMark = log.mark()
            let warmFloor = try await WarmFloor.run(
                curl: tools.curl, baseURL: registry.baseURL.absoluteString, requests: warm.traffic.requestLines,
                accept: Self.manifestAccept, connections: concurrency, folder: folder)
            try await Task.sleep(for: .milliseconds(300))
            let warmFloorTraffic = try log.traffic(from: warmMark, to: log.mark())
            say("  warm floor: \(Format.count(warmFloor.requests)) requests in \(Format.wall(warmFloor.wall))")
            results.append(
                Round(
                    loadBefore: loadBefore, cold: cold, warm: warm, floor: floor, floorTraffic: floorTraffic,
                    warmFloor: warmFloor, warmFloorTraffic: warmFloorTraffic))
        }
        let loop =
            skopeoSample > 0
            ? try await SkopeoCheck.loop(
                contents, sample: skopeoSample, host: registry.host, skopeo: tools.skopeo, folder: folder) : nil
        printTable(results, loop: loop, contents: contents)
        if browser, let first = results.first {
            let bench = BrowserBench(
                tools: tools, host: registry.host, filter: filter, ago: ago, folder: folder,
                expectedPlan: BrowserBench.expectedPlan(fromSummary: first.cold.planSummary))
            say("\nbrowser in tmux (160×45), --filter '\(filter)' --ago \(ago) --untagged…")
            let cache = folder + "/cache-browser"
            for label in ["empty", "filled"] {
                let result = try await bench.run(label: label, cache: cache)
                for line in result.lines { say(line) }
            }
        }
        if deletion {
            let result = try await DeletionBench.run(
                source: registry, tools: tools, filter: filter, ago: ago, concurrency: concurrency, folder: folder)
            say(
                "\ndeletion (real purge of a copy, --filter '\(filter)' --ago \(ago) --untagged): "
                    + "\(Format.wall(result.usage.wall)) wall, \(result.traffic.methodSummary)"
                    + (result.traffic.errors > 0 ? ", \(result.traffic.errors) errors" : "") + "; "
                    + "\(Format.count(result.deletes)) DELETEs completed over "
                    + String(format: "%.2f s = %.0f/s", result.deleteWindow, result.purgeRate))
            say(
                "the same DELETEs replayed with wrk on another copy (\(concurrency) connections): "
                    + "\(Format.count(result.floor.requests)) in \(Format.wall(result.floor.wall)) = "
                    + String(format: "%.0f/s", result.floorRate)
                    + (result.floorTraffic.errors > 0
                        ? " (\(Format.count(result.floorTraffic.errors)) answered ≥ 400)" : "")
                    + " → regsweep at " + String(format: "%.0f%%", 100 * result.purgeRate / result.floorRate)
                    + " of the replay (target ≥ 50%)")
            if result.traffic.errors > 0 { say("purge answers ≥ 400: \(result.traffic.errorSummary)") }
        }
    }

    /// One line as soon as a dry run is measured, so that a run cut short still leaves its figures.
    static func brief(_ run: DryRun) -> String {
        "\(Format.wall(run.usage.wall)), \(Format.count(run.traffic.requests)) requests "
            + "(\(run.traffic.methodSummary)), \(run.traffic.connections) connections, peak RSS "
            + "\(Format.megabytes(run.usage.peakRSSBytes)), CPU "
            + String(format: "%.1f s", run.usage.userSeconds + run.usage.systemSeconds) + "; load \(Machine.load())"
    }

    /// Runs `regsweep purge --dry-run` with its cache in `cache` and reads what the registry served.
    func dryRun(registry: TestRegistry, log: AccessLog, cache: String, label: String) async throws -> DryRun {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = cache
        environment["XDG_STATE_HOME"] = folder + "/state"
        environment["DOCKER_CONFIG"] = folder + "/docker"
        let mark = log.mark()
        let stdout = folder + "/\(label).out"
        let stderr = folder + "/\(label).err"
        let usage = try await Child.run(
            tools.regsweep,
            [
                "purge", "-r", registry.host, "--filter", filter, "--ago", ago, "--untagged", "--dry-run",
                "--concurrency", String(concurrency),
            ], peakBy: tools.time, environment: environment, stdout: stdout, stderr: stderr, timeout: .seconds(7200))
        // The registry logs a request after answering it.
        try await Task.sleep(for: .milliseconds(300))
        let traffic = try log.traffic(from: mark, to: log.mark())
        let output = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
        guard usage.status == 0 else {
            let errors = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
            throw Failure(
                description:
                    "the \(label) dry run exited \(usage.status):\n\(errors.suffix(2000))\n\(output.suffix(500))")
        }
        let summary = output.split(separator: "\n").filter { $0.hasPrefix("Number of") }.joined(separator: "; ")
        return DryRun(usage: usage, traffic: traffic, planSummary: summary)
    }

    /// What the plan needs: the listings the dry run sent (catalog and tag pages, exactly as it
    /// paginated them), a manifest GET per tag, a GET per index child, a GET per distinct config.
    func floorRequests(
        _ contents: StorageSeeder.Contents, seen: AccessLog.Traffic
    ) -> [(method: String, path: String)] {
        var requests = seen.requestLines.filter { line in
            line.method == "GET" && ["catalog", "tags"].contains(AccessLog.endpoint(of: line.uri))
        }.map { (method: "GET", path: $0.uri) }
        if requests.isEmpty {
            requests = [(method: "GET", path: "/v2/_catalog?n=1000")]
            for repository in contents.repositories {
                requests.append((method: "GET", path: "/v2/\(repository.name)/tags/list?n=1000"))
            }
        }
        for repository in contents.repositories {
            let name = repository.name
            for tag in repository.tags { requests.append((method: "GET", path: "/v2/\(name)/manifests/\(tag.name)")) }
            for child in repository.indexChildren {
                requests.append((method: "GET", path: "/v2/\(name)/manifests/\(child)"))
            }
            for config in repository.configs { requests.append((method: "GET", path: "/v2/\(name)/blobs/\(config)")) }
        }
        return requests
    }

    private func printTable(_ rounds: [Round], loop: SkopeoCheck.Loop?, contents: StorageSeeder.Contents) {
        let widths = [22, 11, 44, 7, 10, 10]
        func row(_ cells: [String]) {
            let line = zip(cells, widths).map { Format.cell($0, $1) }.joined(separator: " ")
            say(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        for (number, round) in rounds.enumerated() {
            say("\nround \(number + 1) of \(rounds.count) — load average before: \(round.loadBefore)")
            row(["", "wall", "requests", "conns", "peak RSS", "CPU u+s"])
            for (name, run) in [("cold dry run", round.cold), ("warm dry run", round.warm)] {
                row([
                    name, Format.wall(run.usage.wall),
                    "\(Format.count(run.traffic.requests)) (\(run.traffic.methodSummary))"
                        + (run.traffic.errors > 0 ? ", \(run.traffic.errors) errors" : ""),
                    Format.count(run.traffic.connections), Format.megabytes(run.usage.peakRSSBytes),
                    String(format: "%.1f s", run.usage.userSeconds + run.usage.systemSeconds),
                ])
            }
            row([
                "wrk floor", Format.wall(round.floor.wall),
                "\(Format.count(round.floor.requests)) GET"
                    + (round.floorTraffic.errors > 0 ? ", \(round.floorTraffic.errors) errors" : ""),
                Format.count(round.floorTraffic.connections), "", "",
            ])
            row([
                "curl warm floor", Format.wall(round.warmFloor.wall),
                "\(Format.count(round.warmFloorTraffic.requests)) (\(round.warmFloorTraffic.methodSummary))"
                    + (round.warmFloorTraffic.errors > 0 ? ", \(round.warmFloorTraffic.errors) errors" : ""),
                Format.count(round.warmFloorTraffic.connections), "", "",
            ])
            let coldOverFloor = Format.seconds(round.cold.usage.wall) / Format.seconds(round.floor.wall)
            let warmOverCold = Format.seconds(round.warm.usage.wall) / Format.seconds(round.cold.usage.wall)
            say(
                "cold/floor \(Format.ratio(coldOverFloor)) (target ≤ 1.5×) · warm/cold \(Format.ratio(warmOverCold)) "
                    + "(target ≤ 0.3×) · cold peak \(Format.megabytes(round.cold.usage.peakRSSBytes)) "
                    + "(target ≤ 300 MB at 100,000 tags)")
            // The best warm/cold any client reaches that confirms every tag: its HEADs at the
            // registry's own pace, against this cold run.
            let warmOverWarmFloor = Format.seconds(round.warm.usage.wall) / Format.seconds(round.warmFloor.wall)
            let warmFloorOverCold = Format.seconds(round.warmFloor.wall) / Format.seconds(round.cold.usage.wall)
            say(
                "warm/warm floor \(Format.ratio(warmOverWarmFloor)) · warm floor/cold \(Format.ratio(warmFloorOverCold)) "
                    + "(the lowest warm/cold a client that confirms every tag can reach here)")
            say("cold requests by endpoint: \(endpoints(round.cold.traffic)); warm: \(endpoints(round.warm.traffic))")
            for (name, traffic) in [("cold", round.cold.traffic), ("warm", round.warm.traffic)] where traffic.errors > 0
            {
                say("\(name) answers ≥ 400: \(traffic.errorSummary)")
            }
            if round.cold.planSummary != round.warm.planSummary {
                say("WARNING: the warm plan differs: cold \(round.cold.planSummary); warm \(round.warm.planSummary)")
            } else {
                say("plan (cold = warm): \(round.cold.planSummary)")
            }
        }
        if let loop, let floor = rounds.last?.floor {
            let perTag = Format.seconds(loop.wall) / Double(loop.tags)
            let extrapolated = perTag * Double(contents.tagCount)
            say(
                "skopeo inspect loop: \(loop.tags) tags in \(Format.wall(loop.wall)) = "
                    + String(format: "%.1f ms per tag", perTag * 1000)
                    + "; extrapolated to \(Format.count(contents.tagCount)) tags: "
                    + String(
                        format: "%.0f s = %.1f× the wrk floor", extrapolated, extrapolated / Format.seconds(floor.wall))
                    + " (extrapolated, not measured)")
        }
        say("load average after: \(Machine.load())")
    }

    private func endpoints(_ traffic: AccessLog.Traffic) -> String {
        traffic.byEndpoint.sorted { $0.value > $1.value }.map { "\($0.key) \(Format.count($0.value))" }
            .joined(separator: ", ")
    }
}
