import Foundation
import RegistryClient
import RegistryFixtures
import RegistryTestSupport
import Testing

/// A second writer changes tags while a purge runs: whatever it points at must survive.
///
/// The purge goes through a fault-free proxy that delays every request, so its deletion phases
/// last seconds; once the journal shows deletions have begun, a direct client re-points planned
/// tags at a kept manifest and pushes new tags onto manifests planned for deletion. Either of the
/// executor's guards may save a write — the re-check before a later phase, the tag listing before
/// each chunk, or the digest each single-tag deletion expects — and the test asserts the outcome,
/// not which one did. Re-points go to kept manifests and must always survive; a push onto a manifest
/// whose chunk was already under way when the writes ended is the one race left, and not asserted.
@Suite("Purge races a writer", .serialized)
struct PurgeRaceTests {
    @Test("tags re-pointed or re-pushed during a purge still resolve afterwards", .timeLimit(.minutes(5)))
    func writerDuringPurge() async throws {
        let repository = "race"
        let layout = BulkSeed.Layout(repositories: [repository], imagesPerRepository: 60)
        try await TestRegistry.with { registry in
            let seeded = try await BulkSeed.push(layout, into: registry)
            let tags = try #require(seeded.tags[repository])
            let keptDigest = try #require(tags["prod"])
            let otherKeptDigest = try #require(tags["keep-lts"])
            // A re-point must move the tag: prod's own siblings go to keep-lts's manifest instead.
            let target = { (tag: String) in tags[tag] == keptDigest ? otherKeptDigest : keptDigest }
            try await CLI.with { cli in
                let dry = try await cli.run(
                    FaultPurge.arguments(host: registry.host, faulted: false, dryRun: true), timeout: .seconds(120))
                #expect(dry.status == 0, "\(dry.summary)")
                let plan = FaultPurge.planned(dryRun: dry.stdoutText, host: registry.host)
                #expect(!plan.contains("\(repository)@\(keptDigest)"))

                // Re-point: the tags that share prod's and keep-lts's manifests (removed alone, as
                // the plan stands) and ordinary planned tags from the end of the name order.
                let planned = tags.keys.filter { plan.contains("\(repository):\($0)") && !$0.hasPrefix("sha256-") }
                let siblings = planned.filter { tags[$0] == keptDigest || tags[$0] == tags["keep-lts"] }
                let repoint = Array(Set(siblings + planned.sorted().suffix(4))).sorted()
                // Re-push: new tags onto planned image manifests, from the end of the digest order.
                let plannedImages = Set(
                    planned.compactMap { tags[$0] }.filter { plan.contains("\(repository)@\($0)") })
                let targets = Array(plannedImages.sorted().suffix(3))
                let bodies = try await registry.withClient { client in
                    var bodies: [Digest: Manifest] = [:]
                    for digest in targets {
                        bodies[digest] = try await client.manifest(
                            repository: repository, reference: digest.description)
                    }
                    return bodies
                }
                let repush = Dictionary(
                    uniqueKeysWithValues: targets.enumerated().map { ("hotfix-\($0.offset + 1)", $0.element) })
                #expect(repoint.count >= 4 && repush.count == 3)

                let journal = FaultPurge.temporaryJournal("race")
                let options = FaultProxy.Options(delay: .milliseconds(40))
                let (outcome, hits, inFlight, proxyHost) = try await FaultProxy.with(registry, options: options) {
                    proxy in
                    let (outcome, hits, inFlight) = try await cli.withBackground(
                        FaultPurge.arguments(host: proxy.host, journal: journal, faulted: false)
                    ) { child -> (RunningChild.Outcome, Int, Set<Digest>) in
                        let deleting = try await FaultPurge.waitUntil(child) {
                            FaultPurge.journalLineCount(journal) >= 1
                        }
                        #expect(deleting, "the purge never started deleting: \(child.stderrSoFar)")
                        // What is already done cannot be raced; count what the writes still beat.
                        let done = FaultPurge.journaled(try FaultPurge.journal(journal))
                        let hits =
                            repoint.filter { !done.contains("\(repository):\($0)") }.count
                            + repush.values.filter { !done.contains("\(repository)@\($0)") }.count
                        try await registry.withClient { client in
                            let pusher = FixturePusher(client: client)
                            for tag in repoint {
                                try await pusher.retag(repository: repository, tag: tag, to: target(tag))
                            }
                            for (tag, digest) in repush.sorted(by: { $0.key < $1.key }) {
                                let manifest = try #require(bodies[digest])
                                try await client.putManifest(
                                    repository: repository, reference: tag, body: manifest.body,
                                    mediaType: manifest.mediaType)
                            }
                        }
                        // A push that lands while the chunk holding its manifest is already under way
                        // (journaled: its DELETEs go out next) is the race no registry API closes. A
                        // push that completed before that chunk began is seen by the chunk's tag listing.
                        let journaledBeforeWritesEnded = FaultPurge.journaled(try FaultPurge.journal(journal))
                        let inFlight = Set(
                            repush.values.filter { journaledBeforeWritesEnded.contains("\(repository)@\($0)") })
                        return (try await child.wait(timeout: .seconds(180)), hits, inFlight)
                    }
                    return (outcome, hits, inFlight, proxy.host)
                }
                print("race: \(inFlight.count) re-pushed manifests were in a chunk under way when the writes ended")
                print("race: \(hits) of \(repoint.count + repush.count) writes landed before their item was deleted")
                for tag in repoint {
                    print("race: re-pointed \(tag) from \(tags[tag]?.short ?? "-") to \(target(tag).short)")
                }
                // What the purge said about each raced item, for when an expectation below fails.
                let raced = repoint.map { "\(repository):\($0)" } + repush.values.map { "\(repository)@\($0)" }
                for line in (outcome.stdoutText + outcome.stderrText).split(separator: "\n")
                where raced.contains(where: { line.contains($0) }) {
                    print("race: \(line)")
                }
                #expect(hits > 0, "every write came after its deletion: the race was not exercised")
                #expect(outcome.exitedByItself && !outcome.timedOut, "\(outcome.summary)")
                #expect(outcome.status == 0, "moved and re-tagged items are safety skips: \(outcome.summary)")
                let offPlan = Set(FaultPurge.deleted(outcome.stdoutText, host: proxyHost)).subtracting(plan)
                #expect(offPlan.isEmpty, "deleted off the plan: \(offPlan.sorted())")

                // Everything the writer pointed at is there, for RegistryClient and for skopeo.
                let now = try await registry.tagMap(repository)
                #expect(now["prod"] == keptDigest)
                for tag in repoint {
                    #expect(now[tag] == target(tag), "re-pointed \(tag) was lost or moved")
                    #expect(try await Skopeo.digest(registry, "\(repository):\(tag)") == target(tag), "\(tag)")
                }
                for (tag, digest) in repush where !inFlight.contains(digest) {
                    #expect(now[tag] == digest, "re-pushed \(tag) was lost with its manifest")
                    #expect(try await Skopeo.digest(registry, "\(repository):\(tag)") == digest, "\(tag)")
                }
            }
        }
    }
}
