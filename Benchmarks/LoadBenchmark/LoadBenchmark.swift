import ArgumentParser
import Foundation
import RegistryTestSupport

/// Figures, not assertions: how fast `regsweep purge --dry-run` loads a registry, cold and warm,
/// against the floor of the same requests replayed with wrk, and against a `skopeo inspect` loop.
///
/// Everything is real: Debian's `docker-registry` on 127.0.0.1 with a temp folder, seeded by writing
/// its storage layout directly, checked with skopeo, and the release `regsweep` as a child process.
@main
struct LoadBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-benchmark",
        abstract: "Cold and warm purge dry runs against the wrk floor, on a real registry seeded with N tags.")

    @Option(name: .customLong("tags"), help: "Tags in total (repeat for several sizes; env LOAD_BENCH_TAGS).")
    var tagCounts: [Int] = []

    @Option(help: "Repositories the tags are spread over (env LOAD_BENCH_REPOSITORIES).")
    var repositories: Int?

    @Option(help: "Requests in flight: regsweep's --concurrency and wrk's connections.")
    var concurrency = 8

    @Option(help: "The regsweep binary (a release build).")
    var regsweep = ".build/release/regsweep"

    @Option(help: "Cold, warm and floor measured this many times in a row, on the same registry.")
    var rounds = 1

    @Option(name: .customLong("skopeo-sample"), help: "Tags in the skopeo inspect loop (0 skips it).")
    var skopeoSample = 50

    @Flag(help: "Also measure deletion: a real purge of a copy against its DELETEs replayed with wrk on another copy.")
    var deletion = false

    @Flag(
        help: "Also measure the browser in tmux: first frame, all planned, composer keys, j/k, memory (cold and warm).")
    var browser = false

    @Option(help: "The dry run's --filter.")
    var filter = ".*:.*"

    @Option(help: "The dry run's --ago.")
    var ago = "365d"

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1…64") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard resolvedTagCounts.allSatisfy({ $0 >= 50 }) else { throw ValidationError("--tags must be at least 50") }
        guard resolvedRepositories >= 1 else { throw ValidationError("--repositories must be at least 1") }
    }

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    var resolvedTagCounts: [Int] {
        if !tagCounts.isEmpty { return tagCounts }
        let fromEnvironment = (environment["LOAD_BENCH_TAGS"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " })
            .compactMap { Int($0) }
        return fromEnvironment.isEmpty ? [10_000] : fromEnvironment
    }

    /// `rm -rf`: FileManager takes minutes over the cache of a 100,000-tag run.
    private func remove(_ folder: String) async {
        _ = try? await Child.run(
            "/bin/rm", ["-rf", folder], environment: [:], stdout: "/dev/null", stderr: "/dev/null",
            timeout: .seconds(600))
    }

    var resolvedRepositories: Int {
        repositories ?? environment["LOAD_BENCH_REPOSITORIES"].flatMap { Int($0) } ?? 20
    }

    func run() async throws {
        let tools = try Tools.find(regsweep: regsweep)
        say(Machine.describe())
        for tags in resolvedTagCounts {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "regsweep-load-bench-\(getpid())-\(tags)"
            ).path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let run = BenchmarkRun(
                tools: tools, tags: tags, repositories: min(resolvedRepositories, tags), concurrency: concurrency,
                rounds: rounds, skopeoSample: skopeoSample, deletion: deletion, browser: browser, filter: filter,
                ago: ago, folder: folder
            )
            do {
                try await TestRegistry.with(.none) { registry in
                    try await run.measure(on: registry)
                }
            } catch {
                await remove(folder)
                throw error
            }
            await remove(folder)
        }
    }
}

/// Writes one line to standard output at once (`print` buffers when the output is a file or a
/// pipe, and a long run should show how far it got).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Paths of the programs the benchmark drives.
struct Tools: Sendable {
    var regsweep: String
    var skopeo: String
    var wrk: String
    /// GNU time, for a child's own peak memory (`Child.run(_:_:peakBy:…)`).
    var time: String
    /// curl, for the warm floor (`WarmFloor`).
    var curl: String

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func find(regsweep: String) throws -> Tools {
        let binary = URL(fileURLWithPath: regsweep).standardizedFileURL.path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Missing(
                description: "no regsweep at \(binary): build it with `swift build -c release --product regsweep`")
        }
        // GNU time, not the shell's keyword: `Child.which` only finds files.
        guard let skopeo = Child.which("skopeo"), let wrk = Child.which("wrk"), let time = Child.which("time"),
            let curl = Child.which("curl")
        else {
            throw Missing(description: "skopeo, wrk, GNU time and curl are needed: run `scripts/install-deps.sh bench`")
        }
        return Tools(regsweep: binary, skopeo: skopeo, wrk: wrk, time: time, curl: curl)
    }
}

/// The machine and its load, for the figures' context.
enum Machine {
    static func describe() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let model = field("model name", in: "/proc/cpuinfo") ?? "unknown CPU"
        let kilobytes = field("MemTotal", in: "/proc/meminfo").flatMap { Int($0.split(separator: " ")[0]) } ?? 0
        return "machine: \(cores) cores (\(model)), \(kilobytes / 1024 / 1024) GiB; load average \(load())"
    }

    /// The value of the first `NAME: value` line of a /proc file.
    static func field(_ name: String, in path: String) -> String? {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The 1-, 5- and 15-minute load averages.
    static func load() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
