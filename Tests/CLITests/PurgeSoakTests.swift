import Foundation
import RegistryClient
import RegistryTestSupport
import Testing

/// The soak: a purge of a ~2,000-tag registry through the real binary, once fault-free (the
/// reference) and on an identical copy through the fault proxy at 10 %, checking the registries
/// afterwards through a fault-free client, and on a second copy at 30 %.
///
/// What must hold under faults (issue 7): (a) nothing is deleted that the plan did not show;
/// (b) exit 0 means the result equals the reference, anything left undone means exit 1 with a
/// `Left undone:` section naming each repository and the command to finish; (c) running the same
/// purge again (at most five more times) converges to the reference and ends with exit 0.
///
/// The reference and the faulted sequences run at the same time on their own registries:
/// much of a purge is waiting (backoff, `Retry-After`, stalls), so this keeps the soak short.
@Suite("Purge soak under faults", .serialized)
struct PurgeSoakTests {
    /// What one run did, for the figures printed at the end.
    struct Figures: Sendable, CustomStringConvertible {
        var label: String
        var status: Int32
        var elapsed: Duration
        var statistics: FaultProxy.Statistics?
        var deleted: Int
        var failedLines: Int
        var leftUndone: Bool
        var differences: Int

        var description: String {
            var text = "\(label): exit \(status) in \(PurgeSoakTests.seconds(elapsed)) s, \(deleted) deleted"
            text += ", \(failedLines) 'Failed' lines, Left undone: \(leftUndone ? "yes" : "no")"
            text += ", \(differences) differences from the reference"
            if let statistics { text += "; \(statistics)" }
            return text
        }
    }

    /// When the soak started (Swift Testing makes one suite value per test), for the phase times.
    let started = ContinuousClock.now

    static func seconds(_ duration: Duration) -> String {
        String(
            format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    /// Prints a line with the seconds since the soak started (figures, not assertions).
    func log(_ text: String) {
        print("[soak \(Self.seconds(ContinuousClock.now - started)) s] " + text)
    }

    @Test("10 % and 30 % faults: no deletion off the plan, honest exit status, convergence", .timeLimit(.minutes(25)))
    func soak() async throws {
        let layout = BulkSeed.Layout.soak()
        try await TestRegistry.with { reference in
            let seeded = try await BulkSeed.push(layout, into: reference)
            log(
                "seed: \(seeded.tagCount) tags, \(seeded.manifestCount) manifests in "
                    + "\(seeded.repositories.count) repositories, pushed in \(Self.seconds(seeded.duration)) s")
            let copyStarted = ContinuousClock.now
            // Identical by construction (BulkSeedTests compares a copy request by request).
            try await TestRegistry.with(copyingStorageOf: reference) { light in
                try await TestRegistry.with(copyingStorageOf: reference) { heavy in
                    log("two storage copies started in \(Self.seconds(ContinuousClock.now - copyStarted)) s")
                    try await CLI.with { cli in
                        try await run(cli, reference: reference, copies: (light, heavy), seeded: seeded)
                    }
                }
            }
        }
    }

    private func run(
        _ cli: CLI, reference: TestRegistry, copies: (TestRegistry, TestRegistry), seeded: BulkSeed.Contents
    ) async throws {
        // The plan, through a rate-0 proxy that sees every request a dry run sends.
        let (plan, dryStatistics, writes) = try await FaultProxy.with(reference) { proxy in
            let dry = try await cli.run(
                FaultPurge.arguments(host: proxy.host, faulted: false, dryRun: true), timeout: .seconds(600))
            #expect(dry.status == 0, "\(dry.summary)")
            let writes = proxy.entries.filter { ["DELETE", "PUT", "POST", "PATCH"].contains($0.method) }
            return (FaultPurge.planned(dryRun: dry.stdoutText, host: proxy.host), proxy.statistics, writes)
        }
        log("dry run: \(plan.count) planned items; \(dryStatistics)")
        #expect(writes.isEmpty, "a dry run sent \(writes.map { "\($0.method) \($0.uri)" })")
        let plannedTags = plan.filter { !$0.contains("@") }
        #expect(plannedTags.count > seeded.tagCount / 2, "the plan should take most tags")
        for (repository, kept) in seeded.keptTags {
            for tag in kept { #expect(!plan.contains("\(repository):\(tag)"), "a kept tag is planned: \(tag)") }
        }

        let expected = Promise<RegistrySnapshot>()
        // At 30 % children whose DELETE fails after their index went are left where no tag reaches
        // them; the next run must find them (`Leftovers`) for the sequence to converge.
        let sequences: [(TestRegistry, Double, UInt64)] = [(copies.0, 0.1, 1010), (copies.1, 0.3, 3030)]
        let figures = try await withThrowingTaskGroup(of: (Int, [Figures]).self) { group in
            group.addTask {
                do {
                    let (snapshot, figures) = try await referenceRun(cli, reference, plan: plan, seeded: seeded)
                    await expected.fulfil(snapshot)
                    return (0, [figures])
                } catch {
                    await expected.fail(error)
                    throw error
                }
            }
            for (number, (registry, rate, seed)) in sequences.enumerated() {
                group.addTask {
                    let figures = try await converge(
                        registry, rate: rate, seed: seed, plan: plan, expected: expected, seeded: seeded,
                        dryRunCLI: cli)
                    return (number + 1, figures)
                }
            }
            var all: [(Int, [Figures])] = []
            for try await result in group { all.append(result) }
            return all.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
        log("figures:\n" + figures.map { "  \($0)" }.joined(separator: "\n"))
    }

    /// The fault-free reference run; returns the registry afterwards.
    private func referenceRun(
        _ cli: CLI, _ reference: TestRegistry, plan: Set<String>, seeded: BulkSeed.Contents
    ) async throws -> (RegistrySnapshot, Figures) {
        let before = seeded.snapshot
        let clock = ContinuousClock()
        let started = clock.now
        let run = try await cli.run(
            FaultPurge.arguments(
                host: reference.host, journal: FaultPurge.temporaryJournal("soak-reference"), faulted: false),
            timeout: .seconds(900))
        let elapsed = clock.now - started
        #expect(run.status == 0, "\(run.summary.suffix(3000))")
        let deleted = FaultPurge.deleted(run.stdoutText, host: reference.host)
        #expect(Set(deleted).isSubset(of: plan), "deleted off the plan: \(Set(deleted).subtracting(plan).sorted())")
        let expected = try await snapshot(reference, seeded)
        // The reference did the plan: planned tags gone, kept tags where they were.
        let lost = expected.lostReferences(since: before)
        let plannedTags = plan.filter { !$0.contains("@") }
        #expect(plannedTags.isSubset(of: lost), "planned but still there: \(plannedTags.subtracting(lost).sorted())")
        for (repository, kept) in seeded.keptTags {
            for tag in kept { #expect(expected.tags[repository]?[tag] == before.tags[repository]?[tag]) }
        }
        let figures = Figures(
            label: "reference (no proxy)", status: run.status, elapsed: elapsed, statistics: nil,
            deleted: deleted.count, failedLines: run.lines.filter { $0.hasPrefix("Failed") }.count,
            leftUndone: FaultPurge.leftUndone(run.stderrText) != nil, differences: 0)
        log("\(figures)")
        return (expected, figures)
    }

    /// Purges `registry` through a fault proxy, then again until it exits 0 (at most six runs),
    /// checking (a) and (b) after every run and (c) at the end.
    private func converge(
        _ registry: TestRegistry, rate: Double, seed: UInt64, plan: Set<String>,
        expected reference: Promise<RegistrySnapshot>, seeded: BulkSeed.Contents, dryRunCLI: CLI
    ) async throws -> [Figures] {
        let before = seeded.snapshot
        let percent = Int(rate * 100)
        // Every kind, the quick ones (resets, 5xx, bodies, digests) at twice the weight of the two
        // that cost a second each (429 with Retry-After, stall past the timeout).
        let slow: Set<FaultKind> = [.rateLimited, .stall]
        let kinds = FaultKind.allCases + FaultKind.allCases.filter { !slow.contains($0) }
        let options = FaultProxy.Options(
            faultRate: rate, seed: seed, kinds: kinds, stallDuration: .milliseconds(1500), retryAfterSeconds: 0...1)
        var figures: [Figures] = []
        // A fresh HOME: the first faulted run fetches every manifest and config through the proxy.
        try await CLI.with { cli in
            try await FaultProxy.with(registry, options: options) { proxy in
                var finished = false
                var runPlan = plan
                // The registry before the previous run and now: a run that changed nothing leaves
                // the plan as it was, so its dry run is skipped.
                var previous: RegistrySnapshot?
                var current = before
                // Every run's output so far, to trace a difference back to what each run said of it.
                var outputs: [(label: String, text: String)] = []
                for attempt in 1...6 where !finished {
                    // The first run's plan is the reference's: the registry is a copy of it. Later
                    // plans may hold placeholders (unique manifests a half-done untag left behind),
                    // never anything else the first plan did not have.
                    if attempt > 1, previous != current {
                        try FaultPurge.shareLeftovers(of: cli, host: proxy.host, with: dryRunCLI, as: registry.host)
                        let dry = try await dryRunCLI.run(
                            FaultPurge.arguments(host: registry.host, faulted: false, dryRun: true),
                            timeout: .seconds(600))
                        #expect(dry.status == 0, "\(dry.summary)")
                        runPlan = FaultPurge.planned(dryRun: dry.stdoutText, host: registry.host)
                        let unknown = runPlan.subtracting(plan).filter { item in
                            guard let at = item.firstIndex(of: "@"),
                                let digest = Digest(String(item[item.index(after: at)...]))
                            else { return true }
                            return seeded.manifests[String(item[..<at])]?.contains(digest) ?? true
                        }
                        #expect(unknown.isEmpty, "a re-run plans what the first plan did not: \(unknown.sorted())")
                    }

                    let statisticsBefore = proxy.statistics
                    let clock = ContinuousClock()
                    let started = clock.now
                    let run = try await cli.run(
                        FaultPurge.arguments(
                            host: proxy.host, journal: FaultPurge.temporaryJournal("soak-\(percent)-\(attempt)"),
                            faulted: true),
                        timeout: .seconds(900))
                    let elapsed = clock.now - started
                    let statistics = proxy.statistics.since(statisticsBefore)
                    let label = "\(percent) % faults, run \(attempt)"
                    let state = try await snapshot(registry, seeded)
                    (previous, current) = (current, state)
                    let expected = try await reference.value()
                    let differences = state.differences(from: expected)
                    let deleted = FaultPurge.deleted(run.stdoutText, host: proxy.host)
                    let leftUndone = FaultPurge.leftUndone(run.stderrText)
                    let runFigures = Figures(
                        label: label, status: run.status, elapsed: elapsed, statistics: statistics,
                        deleted: deleted.count, failedLines: run.lines.filter { $0.hasPrefix("Failed") }.count,
                        leftUndone: leftUndone != nil, differences: differences.count)
                    figures.append(runFigures)
                    log("\(runFigures)")
                    outputs.append((label, run.stdoutText + run.stderrText))
                    if !differences.isEmpty, differences.count <= 10 {
                        log(Self.trace(differences, through: outputs))
                    }
                    #expect(!run.timedOut, "\(label) ran past its time limit")

                    // (a) Nothing lost that the reference did not lose; nothing deleted off the plan.
                    let overreach = state.lostReferences(since: before).subtracting(
                        expected.lostReferences(since: before))
                    #expect(overreach.isEmpty, "\(label) deleted what the reference kept: \(overreach.sorted())")
                    let offPlan = Set(deleted).subtracting(runPlan)
                    #expect(offPlan.isEmpty, "\(label) printed deletions its plan did not show: \(offPlan.sorted())")

                    // (b) Exit 0 means done; anything left means exit 1 and a Left undone section.
                    if run.status == 0 {
                        #expect(
                            differences.isEmpty,
                            """
                            \(label) exited 0 but differs from the reference: \(differences.prefix(20))
                            \(Self.trace(Array(differences.prefix(5)), through: outputs))
                            """)
                        finished = true
                    } else {
                        #expect(run.status == 1, "\(label): \(run.summary.suffix(3000))")
                        checkLeftUndone(leftUndone, label: label, differences: differences, stderr: run.stderrText)
                    }
                }
                // (c) Converged, and said so.
                #expect(finished, "\(percent) % faults: still not exit 0 after 6 runs")
                let expected = try await reference.value()
                #expect(
                    current.differences(from: expected).isEmpty,
                    "\(percent) % faults: \(current.differences(from: expected).prefix(20))")
                // An independent client agrees on a sample: kept tags at their digest, purged ones gone.
                if finished { try await crossCheck(registry, expected: expected, seeded: seeded) }
            }
        }
        return figures
    }

    /// Each difference with every line of every run's output that mentions its tag or digest, so
    /// that a failure on CI shows how the item got where it is.
    static func trace(_ differences: [String], through outputs: [(label: String, text: String)]) -> String {
        var text = ""
        for difference in differences {
            text += "\n  \(difference)"
            // "extra: repo:tag (was 1234abcd, gone)" or "missing: repo@sha256:…": the reference.
            let item = difference.split(separator: " ").dropFirst().first.map(String.init) ?? difference
            let needles: [String]
            if let at = item.firstIndex(of: "@") {
                let digest = item[item.index(after: at)...]
                needles = [String(digest), String(digest.dropFirst("sha256:".count).prefix(12))]
            } else {
                needles = [item]
            }
            for (label, output) in outputs {
                let lines = output.split(separator: "\n").filter { line in needles.contains { line.contains($0) } }
                for line in lines.prefix(12) { text += "\n    [\(label)] \(line)" }
            }
        }
        return text
    }

    /// A failed run's `Left undone:` section names every repository where something is left and
    /// says how to finish.
    private func checkLeftUndone(_ section: [String]?, label: String, differences: [String], stderr: String) {
        guard let section else {
            Issue.record("\(label) exited 1 without a 'Left undone:' section: \(stderr.suffix(2000))")
            return
        }
        let text = section.joined(separator: "\n")
        for repository in FaultPurge.repositories(of: differences) {
            #expect(text.contains(repository), "\(label): Left undone does not name \(repository):\n\(text)")
        }
        #expect(text.contains("regsweep purge"), "\(label): Left undone gives no command:\n\(text)")
    }

    private func crossCheck(
        _ registry: TestRegistry, expected: RegistrySnapshot, seeded: BulkSeed.Contents
    ) async throws {
        for repository in seeded.repositories.prefix(2) {
            for tag in (seeded.keptTags[repository] ?? []).sorted() {
                #expect(try await Skopeo.digest(registry, "\(repository):\(tag)") == expected.tags[repository]?[tag])
            }
            let gone = (seeded.tags[repository] ?? [:]).keys.filter { expected.tags[repository]?[$0] == nil }.sorted()
            for tag in gone.prefix(3) {
                #expect(try await Skopeo.digest(registry, "\(repository):\(tag)") == nil, "\(repository):\(tag)")
            }
        }
    }

    private func snapshot(_ registry: TestRegistry, _ seeded: BulkSeed.Contents) async throws -> RegistrySnapshot {
        try await RegistrySnapshot.take(registry, repositories: seeded.repositories, probing: seeded.manifests)
    }
}

/// A value one task produces and others wait for (the reference state, which the faulted runs'
/// checks need while their purges already run).
actor Promise<Value: Sendable> {
    private var result: Result<Value, any Error>?
    private var waiters: [CheckedContinuation<Value, any Error>] = []

    func fulfil(_ value: Value) {
        settle(.success(value))
    }

    func fail(_ error: any Error) {
        settle(.failure(error))
    }

    func value() async throws -> Value {
        if let result { return try result.get() }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    private func settle(_ outcome: Result<Value, any Error>) {
        guard result == nil else { return }
        result = outcome
        for waiter in waiters { waiter.resume(with: outcome) }
        waiters = []
    }
}
