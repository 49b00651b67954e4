import Foundation
import RegistryClient
import RegistryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A purge stopped mid-run, by SIGINT (it must stop by itself and say where it stood) or SIGKILL
/// (it cannot): in both cases every deletion is in the journal, and one `restore` puts every tag
/// back at its digest.
@Suite("Purge interrupted", .serialized)
struct PurgeInterruptionTests {
    /// The baseline for the interrupted runs: a whole purge of every kind of item (single tags
    /// removed through placeholders, images, indexes and their children, cosign and tag-schema
    /// referrers) is put back by one `restore`.
    @Test("a whole purge of every kind is restored in one pass", .timeLimit(.minutes(5)))
    func wholePurgeRestores() async throws {
        let layout = BulkSeed.Layout.small()
        try await TestRegistry.with { registry in
            let seeded = try await BulkSeed.push(layout, into: registry)
            let before = seeded.snapshot
            try await CLI.with { cli in
                let journal = FaultPurge.temporaryJournal("whole")
                defer { try? FileManager.default.removeItem(atPath: journal) }
                let purge = try await cli.run(
                    FaultPurge.arguments(host: registry.host, journal: journal, faulted: false), timeout: .seconds(120))
                #expect(purge.status == 0, "\(purge.summary)")
                let after = try await RegistrySnapshot.take(
                    registry, repositories: seeded.repositories, probing: seeded.manifests)
                let lost = after.lostReferences(since: before)
                // Every kind went: a placeholder untag, an index child, a cosign tag, a tag-schema index.
                let repository = layout.repositories[0]
                let tags = try #require(before.tags[repository])
                let prodSibling = try #require(tags.first { $0.value == tags["prod"] && $0.key != "prod" }?.key)
                #expect(lost.contains("\(repository):\(prodSibling)"))
                #expect(lost.contains { $0.hasPrefix("\(repository):sha256-") && $0.hasSuffix(".sig") })
                #expect(lost.contains { $0.hasPrefix("\(repository):sha256-") && !$0.hasSuffix(".sig") })
                let index = try #require(tags["1.\(layout.indexEvery - 1).0"])
                #expect(lost.contains("\(repository)@\(index)"))
                #expect(after.manifests[repository]?.contains(try #require(tags["prod"])) == true)

                let restore = try await cli.run(["restore", journal, "-r", registry.host], timeout: .seconds(120))
                #expect(restore.status == 0, "\(restore.summary)")
                let restored = try await RegistrySnapshot.take(
                    registry, repositories: seeded.repositories, probing: seeded.manifests)
                #expect(
                    restored.differences(from: before).isEmpty,
                    "after one restore: \(restored.differences(from: before).prefix(20))")
                #expect(try await Skopeo.digest(registry, "\(repository):\(prodSibling)") == tags[prodSibling])
            }
        }
    }

    @Test(
        "interrupted mid-run: journaled, reported, restorable in one pass", .timeLimit(.minutes(5)),
        arguments: [SIGINT, SIGKILL])
    func interrupted(signal: Int32) async throws {
        let name = signal == SIGINT ? "SIGINT" : "SIGKILL"
        let layout = BulkSeed.Layout.small()
        try await TestRegistry.with { registry in
            let seeded = try await BulkSeed.push(layout, into: registry)
            let before = seeded.snapshot
            try await CLI.with { cli in
                let dry = try await cli.run(
                    FaultPurge.arguments(host: registry.host, faulted: false, dryRun: true), timeout: .seconds(120))
                #expect(dry.status == 0, "\(dry.summary)")
                let plan = FaultPurge.planned(dryRun: dry.stdoutText, host: registry.host)
                let journal = FaultPurge.temporaryJournal("interrupt")
                defer { try? FileManager.default.removeItem(atPath: journal) }

                // Slowed down by the proxy, so that the signal lands in the middle of the deletions.
                let (outcome, proxyHost) = try await FaultProxy.with(
                    registry, options: FaultProxy.Options(delay: .milliseconds(40))
                ) { proxy in
                    let outcome = try await cli.withBackground(
                        FaultPurge.arguments(host: proxy.host, journal: journal, faulted: false)
                    ) { child in
                        // Journal entries are written a chunk ahead of their DELETEs, so wait for the
                        // registry's answers: the purge's own `Deleted` lines (stdout is unbuffered).
                        let deleting = try await FaultPurge.waitUntil(child) {
                            child.stdoutSoFar.components(separatedBy: "\nDeleted ").count > 3
                        }
                        #expect(deleting, "the purge ended before it could be interrupted: \(child.stderrSoFar)")
                        child.send(signal)
                        return try await child.wait(timeout: .seconds(30))
                    }
                    return (outcome, proxy.host)
                }
                print("\(name): \(outcome.summary.prefix(4000))")
                #expect(!outcome.timedOut, "\(name): the purge did not end after the signal")
                if signal == SIGINT {
                    #expect(outcome.exitedByItself, "SIGINT killed the purge instead of stopping it")
                    #expect(outcome.status == 130, "\(outcome.summary)")
                    let text = outcome.stdoutText + outcome.stderrText
                    #expect(text.contains("Interrupted"), "no word of the interruption: \(outcome.summary)")
                    #expect(outcome.stdoutText.contains("Number of deleted tags:"), "no summary: \(outcome.summary)")
                } else {
                    #expect(outcome.signal == SIGKILL)
                }

                let after = try await RegistrySnapshot.take(
                    registry, repositories: seeded.repositories, probing: seeded.manifests)
                let lost = after.lostReferences(since: before)
                let plannedTags = plan.filter { !$0.contains("@") }
                #expect(!lost.isEmpty, "\(name): nothing was deleted before the signal")
                #expect(!plannedTags.isSubset(of: lost), "\(name): the whole plan was done before the signal")
                // Nothing off the plan: a lost tag is planned, or goes with its planned manifest
                // (referrer tags such as `sha256-….sig` are listed through their manifest).
                let offPlan = lost.filter { item in
                    if plan.contains(item) { return false }
                    guard let colon = item.firstIndex(of: ":"), !item.contains("@") else { return true }
                    let repository = String(item[..<colon])
                    let tag = String(item[item.index(after: colon)...])
                    guard let digest = before.tags[repository]?[tag] else { return true }
                    return !plan.contains("\(repository)@\(digest)")
                }
                #expect(offPlan.isEmpty, "\(name): lost off the plan: \(offPlan.sorted())")
                // What the output says it deleted is really gone.
                for item in FaultPurge.deleted(outcome.stdoutText, host: proxyHost) {
                    #expect(lost.contains(item), "\(name): printed Deleted \(item) but it is still there")
                }
                // Every deletion was journaled first.
                let entries = try FaultPurge.journal(journal)
                let unjournaled = lost.subtracting(FaultPurge.journaled(entries))
                #expect(unjournaled.isEmpty, "\(name): deleted without a journal entry: \(unjournaled.sorted())")

                let restore = try await cli.run(["restore", journal, "-r", registry.host], timeout: .seconds(120))
                #expect(restore.status == 0, "\(restore.summary)")
                let restored = try await RegistrySnapshot.take(
                    registry, repositories: seeded.repositories, probing: seeded.manifests)
                #expect(
                    restored.differences(from: before).isEmpty,
                    "\(name): after one restore: \(restored.differences(from: before).prefix(20))")
                let sample = try #require(before.tags[layout.repositories[0]]?.sorted { $0.key < $1.key }.first)
                #expect(try await Skopeo.digest(registry, "\(layout.repositories[0]):\(sample.key)") == sample.value)
            }
        }
    }
}
