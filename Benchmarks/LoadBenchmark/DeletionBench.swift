import Foundation
import RegistryTestSupport

/// Deletion throughput: a real `regsweep purge` of one copy of the seeded registry, against the
/// same DELETE requests replayed with wrk at the same concurrency on a second, identical copy.
enum DeletionBench {
    struct Result: Sendable {
        var usage: Child.Usage
        var traffic: AccessLog.Traffic
        /// DELETEs regsweep sent, and the time from the first one's completion to the last one's.
        var deletes: Int
        var deleteWindow: Double
        var floor: WrkFloor.Result
        var floorTraffic: AccessLog.Traffic

        var purgeRate: Double { deleteWindow > 0 ? Double(max(0, deletes - 1)) / deleteWindow : .nan }
        var floorRate: Double { Double(floor.requests) / Format.seconds(floor.wall) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs both on copies of `source`'s storage (it must be idle: the copy is not atomic).
    static func run(
        source: TestRegistry, tools: Tools, filter: String, ago: String, concurrency: Int, folder: String
    ) async throws -> Result {
        let (usage, traffic, times) = try await withCopy(of: source) { copy in
            let log = AccessLog(path: copy.logPath)
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_CACHE_HOME"] = folder + "/cache-delete"
            environment["XDG_STATE_HOME"] = folder + "/state"
            environment["DOCKER_CONFIG"] = folder + "/docker"
            let mark = log.mark()
            let usage = try await Child.run(
                tools.regsweep,
                [
                    "purge", "-r", copy.host, "--filter", filter, "--ago", ago, "--untagged", "--concurrency",
                    String(concurrency), "--journal", folder + "/journal.jsonl",
                ], environment: environment, stdout: folder + "/purge.out", stderr: folder + "/purge.err",
                timeout: .seconds(7200))
            try await Task.sleep(for: .milliseconds(300))
            let end = log.mark()
            guard usage.status == 0 else {
                let errors = (try? String(contentsOfFile: folder + "/purge.err", encoding: .utf8)) ?? ""
                throw Failure(description: "the purge exited \(usage.status):\n\(errors.suffix(2000))")
            }
            return (
                usage, try log.traffic(from: mark, to: end),
                try log.completionTimes(method: "DELETE", from: mark, to: end)
            )
        }
        let deletes = traffic.requestLines.filter { $0.method == "DELETE" }.map { (method: "DELETE", path: $0.uri) }
        guard !deletes.isEmpty else { throw Failure(description: "the purge sent no DELETE: nothing to compare") }
        let (floor, floorTraffic) = try await withCopy(of: source) { copy in
            let log = AccessLog(path: copy.logPath)
            let mark = log.mark()
            let floor = try await WrkFloor.run(
                wrk: tools.wrk, baseURL: copy.baseURL.absoluteString, requests: deletes,
                accept: BenchmarkRun.manifestAccept, connections: concurrency,
                threads: min(ProcessInfo.processInfo.activeProcessorCount, concurrency), folder: folder)
            try await Task.sleep(for: .milliseconds(300))
            return (floor, try log.traffic(from: mark, to: log.mark()))
        }
        let window = (times.max() ?? 0) - (times.min() ?? 0)
        return Result(
            usage: usage, traffic: traffic, deletes: deletes.count, deleteWindow: window, floor: floor,
            floorTraffic: floorTraffic)
    }

    /// A registry started on a copy of `source`'s storage, stopped afterwards.
    private static func withCopy<T: Sendable>(
        of source: TestRegistry, _ body: (TestRegistry) async throws -> T
    ) async throws -> T {
        let copy = try await TestRegistry.start(storageSource: source.storageDirectory)
        do {
            let result = try await body(copy)
            await copy.stop()
            return result
        } catch {
            await copy.stop()
            throw error
        }
    }
}
