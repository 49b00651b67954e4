import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The floor: the requests a plan needs, replayed with `wrk` at the same concurrency against the
/// same server, each exactly once.
///
/// wrk runs for a duration, not a count, so the Lua script splits the list between wrk's threads,
/// stops each thread after its last response and writes the thread's first-request and
/// last-response times (`CLOCK_MONOTONIC`, through LuaJIT's FFI) to a file; the harness then
/// interrupts wrk. The few requests a connection starts after its thread's list ran out are a
/// cheap `GET /v2/`, not counted.
enum WrkFloor {
    /// What the replay measured.
    struct Result: Sendable {
        var requests: Int
        var wall: Duration
        /// wrk's own summary lines (errors, non-2xx answers).
        var wrkSummary: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Replays `requests` (`METHOD PATH`) against `baseURL` on `connections` connections.
    static func run(
        wrk: String, baseURL: String, requests: [(method: String, path: String)], accept: String, connections: Int,
        threads: Int, folder: String
    ) async throws -> Result {
        let threads = max(1, min(threads, connections, requests.count))
        let listPath = folder + "/wrk-requests.txt"
        let scriptPath = folder + "/wrk-floor.lua"
        let resultsPath = folder + "/wrk-results.txt"
        try requests.map { "\($0.method) \($0.path)" }.joined(separator: "\n").appending("\n")
            .write(toFile: listPath, atomically: true, encoding: .utf8)
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: resultsPath)
        let child = try Child.spawn(
            wrk,
            [
                "-t", String(threads), "-c", String(connections), "-d", "3600s", "--timeout", "60s", "-s", scriptPath,
                baseURL, "--", listPath, accept, resultsPath, String(threads),
            ], environment: ProcessInfo.processInfo.environment, stdout: folder + "/wrk.out",
            stderr: folder + "/wrk.err")
        let exited = ExitFlag()
        let waiter = Task {
            let usage = await child.wait(timeout: .seconds(3600))
            exited.set()
            return usage
        }
        var lines: [Substring] = []
        while !exited.isSet {
            let text = (try? String(contentsOfFile: resultsPath, encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n")
            if lines.count >= threads { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        child.send(SIGINT)
        let finished = await waiter.value
        let output = (try? String(contentsOfFile: folder + "/wrk.out", encoding: .utf8)) ?? ""
        guard lines.count >= threads else {
            let errors = (try? String(contentsOfFile: folder + "/wrk.err", encoding: .utf8)) ?? ""
            throw Failure(description: "wrk exited (status \(finished.status)) before replaying:\n\(output)\(errors)")
        }
        var first = Double.infinity
        var last = -Double.infinity
        var count = 0
        for line in lines {
            let fields = line.split(separator: " ").compactMap { Double($0) }
            guard fields.count == 3 else { continue }
            first = min(first, fields[0])
            last = max(last, fields[1])
            count += Int(fields[2])
        }
        let summary = output.split(separator: "\n").filter {
            $0.contains("requests in") || $0.contains("Non-2xx") || $0.contains("Socket errors")
        }.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
        return Result(
            requests: count, wall: .milliseconds(Int64(((last - first) * 1000).rounded())), wrkSummary: summary)
    }

    /// Set once by the task that reaps wrk.
    final class ExitFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    static let script = """
        -- The floor replay: every line of the list ("METHOD PATH") once, split between wrk's threads.
        -- Arguments: LIST ACCEPT RESULTS THREADS.
        local ffi = require("ffi")
        ffi.cdef[[
        typedef struct { long tv_sec; long tv_nsec; } regsweep_timespec;
        int clock_gettime(int clock, regsweep_timespec *spec);
        ]]
        local spec = ffi.new("regsweep_timespec")
        local function now()
          ffi.C.clock_gettime(1, spec) -- CLOCK_MONOTONIC
          return tonumber(spec.tv_sec) + tonumber(spec.tv_nsec) / 1e9
        end

        local next_id = 0
        function setup(thread)
          thread:set("id", next_id)
          next_id = next_id + 1
        end

        local requests = {}
        local sent, answered, total = 0, 0, 0
        local started, results, filler

        local function finish()
          local file = io.open(results, "a")
          file:write(string.format("%.6f %.6f %d\\n", started or now(), now(), answered))
          file:close()
          wrk.thread:stop()
        end

        function init(args)
          results = args[3]
          local threads = tonumber(args[4])
          local headers = { ["Accept"] = args[2] }
          local position = 0
          for line in io.lines(args[1]) do
            if position % threads == id then
              local method, path = line:match("^(%S+) (.+)$")
              requests[#requests + 1] = wrk.format(method, path, headers)
            end
            position = position + 1
          end
          total = #requests
          filler = wrk.format("GET", "/v2/")
        end

        function request()
          if sent == 0 then started = now() end
          sent = sent + 1
          if sent <= total then return requests[sent] end
          return filler
        end

        function response(status, headers, body)
          answered = answered + 1
          if answered == total then finish() end
        end
        """
}
