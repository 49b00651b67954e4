import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The release browser in a real terminal (tmux, a server of its own) on the seeded registry,
/// as a user meets it: how soon the first frame shows, how long until every repository is loaded
/// and planned, how fast a key in the composer echoes and re-plans, how fast `j`/`k` move while
/// idle, and how much memory the browser holds once everything is planned.
///
/// Screens are read with `capture-pane` in a loop; one read costs a few milliseconds (a tmux
/// client process), which is measured in the same run and printed as the resolution.
struct BrowserBench: Sendable {
    var tools: Tools
    var host: String
    var filter: String
    var ago: String
    var folder: String
    /// Tags and manifests the CLI's dry run of the same policy deletes. The browser is done once its
    /// status row counts at least as many (`Plan: 981 tags and 1001 manifests`): before that, a
    /// moment between the catalog and the first repository's load looks idle too. At least, not
    /// exactly: a tag only grows older, and at 100,000 tags the browser's load ends minutes after
    /// the CLI's, by which time a few more tags have crossed the cutoff.
    var expectedPlan: PlanCounts

    struct PlanCounts: Sendable, CustomStringConvertible {
        var tags: Int
        var manifests: Int

        var description: String { "\(tags) tags and \(manifests) manifests" }

        func covers(_ other: PlanCounts) -> Bool { tags >= other.tags && manifests >= other.manifests }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Result: Sendable {
        var label: String
        var firstFrame: Duration
        /// The first frame of every start, the measured one last.
        var firstFrames: [Duration] = []
        var allPlanned: Duration
        var planLine: String
        /// From a key sent to the screen showing it, and to the screen showing its plan.
        var echo: [Duration]
        var replan: [Duration]
        /// `j`/`k` in the repository list and in a tag list, while nothing loads or plans.
        var moveRepositories: [Duration]
        var moveTags: [Duration]
        /// One `capture-pane` of an unchanging screen: the resolution of every figure above.
        var capture: [Duration]
        var residentBytes: Int
        var peakResidentBytes: Int
    }

    /// Opens the browser with its cache in `cache` (empty: cold; filled by an earlier run: warm).
    ///
    /// First a few starts that only wait for the first frame (one start on a busy 2-core machine
    /// says little), each on an empty cache of its own when `cache` is meant to be empty; then the
    /// start that is measured through to the end.
    func run(label: String, cache: String, extraStarts: Int = 4) async throws -> Result {
        var firstFrames: [Duration] = []
        for start in 0..<extraStarts {
            let scratch = folder + "/cache-first-frame-\(start)"
            let tmux = Tmux(socket: "regsweep-bench-\(getpid())-\(label)-\(start)", folder: folder)
            let started = try await open(tmux, label: label, cache: label == "empty" ? scratch : cache)
            do {
                _ = try await tmux.wait(for: "a first frame", timeout: .seconds(60)) { $0.contains(" Plan: ") }
                firstFrames.append(ContinuousClock.now - started)
            } catch {
                _ = try? await tmux.run(["kill-server"])
                throw Failure(description: "browser benchmark (\(label), start \(start + 1)): \(error)")
            }
            _ = try? await tmux.run(["kill-server"])
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let tmux = Tmux(socket: "regsweep-bench-\(getpid())-\(label)", folder: folder)
        let started = try await open(tmux, label: label, cache: cache)
        do {
            var result = try await measure(tmux, label: label, started: started)
            result.firstFrames = firstFrames + [result.firstFrame]
            _ = try? await tmux.run(["kill-server"])
            return result
        } catch {
            let screen = (try? await tmux.screen()) ?? "(no screen)"
            _ = try? await tmux.run(["kill-server"])
            throw Failure(description: "browser benchmark (\(label)): \(error)\nthe screen was:\n\(screen)")
        }
    }

    /// Starts the browser in a new session of `tmux`; returns when it was started.
    private func open(_ tmux: Tmux, label: String, cache: String) async throws -> ContinuousClock.Instant {
        let environment = [
            "HOME": folder, "XDG_CACHE_HOME": cache, "XDG_STATE_HOME": folder + "/state-browser-\(label)",
            "DOCKER_CONFIG": folder + "/docker", "LANG": "C.UTF-8", "TERM": "screen-256color",
            "PATH": "/usr/local/bin:/usr/bin:/bin",
        ]
        let command =
            ["/usr/bin/env", "-i"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + [tools.regsweep, "browse", "-r", host, "--filter", filter, "--ago", ago, "--untagged"]
        let started = ContinuousClock.now
        try await tmux.run(["new-session", "-d", "-s", "bench", "-x", "160", "-y", "45", "--"] + command)
        return started
    }

    private func measure(_ tmux: Tmux, label: String, started: ContinuousClock.Instant) async throws -> Result {
        let clock = ContinuousClock()
        _ = try await tmux.wait(for: "a first frame", timeout: .seconds(60)) { $0.contains(" Plan: ") }
        let firstFrame = clock.now - started
        let planned = try await tmux.wait(for: "a plan of at least \(expectedPlan)", timeout: .seconds(7200)) {
            Self.isIdle($0) && Self.statusLine($0).flatMap(Self.planCounts)?.covers(expectedPlan) == true
        }
        let allPlanned = clock.now - started
        let planLine =
            (Self.statusLine(planned) ?? "").trimmingCharacters(in: .whitespaces)
            + " (the CLI's dry run: \(expectedPlan))"
        guard let pid = try await tmux.panePID() else { throw Failure(description: "no pane pid") }
        // A moment for the frame after the last plan, then what the idle browser holds.
        try await Task.sleep(for: .milliseconds(500))
        let (resident, peak) = Self.memory(of: pid)

        var capture: [Duration] = []
        for _ in 0..<20 {
            let before = clock.now
            _ = try await tmux.screen()
            capture.append(clock.now - before)
        }

        // j/k in the repository list (the focus at start), then in the first repository's tags.
        let moveRepositories = try await moves(tmux, count: 20)
        try await tmux.run(["send-keys", "-t", "bench", "g", "Enter"])
        _ = try await tmux.wait(for: "the tag list", timeout: .seconds(60)) {
            $0.contains("Tags of ") && Self.isIdle($0)
        }
        let moveTags = try await moves(tmux, count: 20)

        // The composer on the filter field: a character typed at the end, then taken back.
        try await tmux.run(["send-keys", "-t", "bench", "f"])
        _ = try await tmux.wait(for: "the composer", timeout: .seconds(60)) { $0.contains("(live preview)") }
        try await tmux.run(["send-keys", "-t", "bench", "End"])
        var echo: [Duration] = []
        var replan: [Duration] = []
        let typed = filter + "1"
        for index in 0..<20 {
            let adding = index % 2 == 0
            let sent = clock.now
            try await tmux.run(["send-keys", "-t", "bench"] + (adding ? ["-l", "1"] : ["BSpace"]))
            let shows: (String) -> Bool = { adding ? $0.contains(typed) : !$0.contains(typed) }
            _ = try await tmux.wait(for: adding ? "'\(typed)'" : "'\(filter)' again", timeout: .seconds(60), shows)
            echo.append(clock.now - sent)
            _ = try await tmux.wait(for: "its plan", timeout: .seconds(600)) { shows($0) && Self.isIdle($0) }
            replan.append(clock.now - sent)
        }
        try await tmux.run(["send-keys", "-t", "bench", "Escape"])
        let (_, finalPeak) = Self.memory(of: pid)
        return Result(
            label: label, firstFrame: firstFrame, allPlanned: allPlanned, planLine: planLine, echo: echo,
            replan: replan, moveRepositories: moveRepositories, moveTags: moveTags, capture: capture,
            residentBytes: resident, peakResidentBytes: max(peak, finalPeak))
    }

    /// `j` and `k` in turn, each timed from sending it to a changed screen (the selection and the
    /// reason line move), starting from an idle screen.
    private func moves(_ tmux: Tmux, count: Int) async throws -> [Duration] {
        let clock = ContinuousClock()
        var times: [Duration] = []
        var screen = try await tmux.screen()
        for index in 0..<count {
            let before = screen
            let sent = clock.now
            try await tmux.run(["send-keys", "-t", "bench", index % 2 == 0 ? "j" : "k"])
            screen = try await tmux.wait(for: "the selection to move", timeout: .seconds(60)) { $0 != before }
            times.append(clock.now - sent)
            screen = try await tmux.wait(for: "an idle screen", timeout: .seconds(600)) { Self.isIdle($0) }
        }
        return times
    }

    /// The counts of the CLI's `Number of …` lines.
    static func expectedPlan(fromSummary summary: String) -> PlanCounts {
        let numbers = summary.split(separator: ";").map { part in
            Int(part.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "") ?? 0
        }
        return PlanCounts(tags: numbers.first ?? 0, manifests: numbers.dropFirst().first ?? 0)
    }

    /// The counts of a status row ` Plan: N tags and M manifests to delete …` (`1 tag`, `1 manifest`).
    static func planCounts(_ line: String) -> PlanCounts? {
        let words = line.split(separator: " ")
        guard let start = words.firstIndex(of: "Plan:"), words.count > start + 4,
            let tags = Int(words[start + 1]), words[start + 3] == "and", let manifests = Int(words[start + 4])
        else { return nil }
        return PlanCounts(tags: tags, manifests: manifests)
    }

    /// The status row: ` Plan: … to delete in …`, with the activity indicator at its right end.
    static func statusLine(_ screen: String) -> String? {
        screen.split(separator: "\n").first { $0.hasPrefix(" Plan: ") }.map(String.init)
    }

    /// Nothing is listed, loaded or planned any more: the status row has no activity.
    static func isIdle(_ screen: String) -> Bool {
        guard let line = statusLine(screen) else { return false }
        return !line.contains("planning") && !line.contains("loading") && !line.contains("listing")
    }

    /// VmRSS and VmHWM of `pid`, in bytes (0 when unreadable).
    static func memory(of pid: pid_t) -> (resident: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }
}

/// A tmux server of the benchmark's own, driven by short-lived tmux client processes (`Child`,
/// which waits on a thread of its own: the two cooperative threads stay free).
struct Tmux: Sendable {
    var socket: String
    var folder: String

    struct Timeout: Error, CustomStringConvertible {
        var waitingFor: String
        var description: String { "timed out waiting for \(waitingFor)" }
    }

    @discardableResult
    func run(_ arguments: [String]) async throws -> String {
        let output = folder + "/tmux-\(socket).out"
        let errors = folder + "/tmux-\(socket).err"
        let usage = try await Child.run(
            "/usr/bin/tmux", ["-L", socket, "-f", "/dev/null"] + arguments, environment: ["TERM": "screen-256color"],
            stdout: output, stderr: errors, timeout: .seconds(20))
        guard usage.status == 0 else {
            let message = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw BrowserBench.Failure(
                description: "tmux \(arguments.joined(separator: " ")) exited \(usage.status): \(message)")
        }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    func screen() async throws -> String {
        try await run(["capture-pane", "-p", "-t", "bench"])
    }

    func panePID() async throws -> pid_t? {
        pid_t(try await run(["display-message", "-p", "-t", "bench", "#{pane_pid}"]).filter(\.isNumber))
    }

    /// Polls the screen (a millisecond apart) until `condition` holds; returns that screen.
    func wait(for description: String, timeout: Duration, _ condition: (String) -> Bool) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let screen = try await self.screen()
            if condition(screen) { return screen }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw Timeout(waitingFor: description)
    }
}

extension BrowserBench.Result {
    /// The figures as lines, each beside its target.
    var lines: [String] {
        func spread(_ samples: [Duration]) -> String {
            "p50 \(Format.milliseconds(Format.percentile(samples, 50))), "
                + "p99 \(Format.milliseconds(Format.percentile(samples, 99))) (\(samples.count) keys)"
        }
        return [
            "browser, \(label) cache: first frame \(Format.wall(firstFrame)) (target ≤ 0.5 s; over "
                + "\(firstFrames.count) starts p50 \(Format.wall(Format.percentile(firstFrames, 50))), "
                + "max \(Format.wall(firstFrames.max() ?? firstFrame))); all loaded and planned \(Format.wall(allPlanned)): \(planLine.trimmingCharacters(in: .whitespaces))",
            "  composer key: echo \(spread(echo)); its plan on screen \(spread(replan))",
            "  j/k idle: repositories \(spread(moveRepositories)); tags \(spread(moveTags))",
            "  resident once planned \(Format.megabytes(residentBytes)), peak \(Format.megabytes(peakResidentBytes)) "
                + "(target ≤ 200 MB at 100,000 tags); one screen read \(spread(capture).replacingOccurrences(of: "keys", with: "reads"))",
        ]
    }
}
