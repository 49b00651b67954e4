import Foundation
import Purge
import RegistryClient

// Measures how long one re-plan takes, the work the browser does on every keystroke.
// Usage: swift run -c release planner-benchmark [tags-per-repository ...]
// Prints figures; asserts nothing (behaviour is the tests' job).

/// A synthetic repository: `count` images with one tag each and a day apart, every tenth image
/// carrying a second tag, and every fiftieth a signature referrer.
func repository(_ name: String, count: Int) -> RepositoryInventory {
    var inventory = RepositoryInventory(name: name)
    let start = Date(timeIntervalSince1970: 1_600_000_000)
    for number in 0..<count {
        let digest = Digest.sha256(of: Data("\(name)-\(number)".utf8))
        let layer = BlobRef(digest: Digest.sha256(of: Data("layer-\(name)-\(number)".utf8)), size: 1000)
        inventory.manifests[digest] = ManifestRecord(
            digest: digest, mediaType: MediaType.ociManifest, kind: .image, bodySize: 500, totalSize: 1500,
            blobs: [layer],
            time: TagTime(date: start.addingTimeInterval(Double(number) * 86400), source: .configCreated))
        inventory.tags[String(format: "build-%05d", number)] = digest
        if number % 10 == 0 { inventory.tags["release-\(number)"] = digest }
        if number % 50 == 0 {
            let signature = Digest.sha256(of: Data("sig-\(name)-\(number)".utf8))
            inventory.manifests[signature] = ManifestRecord(
                digest: signature, mediaType: MediaType.ociManifest, kind: .image, subject: digest)
            inventory.manifests[digest]?.referrers = [signature]
        }
    }
    return inventory
}

/// The p-th percentile (0...100) of `samples`, by nearest rank.
func percentile(_ samples: [Duration], _ p: Double) -> Duration {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return .zero }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return String(format: "%.1f ms", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
}

/// Peak resident memory of this process so far.
func peakRSS() -> String {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return "\(usage.ru_maxrss / 1024) MB"
}

/// Times `policies` planned one after another with one memo, as the browser re-plans on keystrokes.
func keystrokes(_ inventory: Inventory, now: Date, memo: PlanMemo, _ policies: [PurgePolicy]) -> [Duration] {
    let clock = ContinuousClock()
    return policies.map { policy in
        clock.measure { _ = Planner.plan(inventory: inventory, policy: policy, now: now, memo: memo) }
    }
}

let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let filter = ".*:^((?!release).)*$"
let protect = ["app-0:^build-0000"]
let policy = try PurgePolicy.parse(filters: [filter], ago: "30d", keep: 5, untagged: true, protect: protect)
print("repositories x tags  | tags total | plans | mean per plan | deleted tags / manifests")
var keystrokeLines: [String] = []
for size in sizes.isEmpty ? [100, 1000, 5000] : sizes {
    let inventory = Inventory(registry: "bench", repositories: (0..<4).map { repository("app-\($0)", count: size) })
    let now = Date(timeIntervalSince1970: 1_600_000_000 + Double(size) * 86400)
    // PLANNER_BENCH_ONLY=ago|filter: only that keystroke kind (for counting instructions of one
    // kind under callgrind, which the wall clock of a busy machine cannot tell apart).
    let only = ProcessInfo.processInfo.environment["PLANNER_BENCH_ONLY"]
    var plan: PurgePlan?
    if only == nil { plan = Planner.plan(inventory: inventory, policy: policy, now: now) }
    let rounds = only == nil ? max(3, 20_000 / size) : 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for _ in 0..<rounds { plan = Planner.plan(inventory: inventory, policy: policy, now: now) }
    }
    let perPlan = rounds > 0 ? elapsed / rounds : .zero
    let tags = inventory.repositories.reduce(0) { $0 + $1.tags.count }
    print(
        "4 x \(String(size).padding(toLength: 15, withPad: " ", startingAt: 0)) | \(String(tags).padding(toLength: 10, withPad: " ", startingAt: 0)) | \(String(rounds).padding(toLength: 5, withPad: " ", startingAt: 0)) | \(perPlan) | \(plan?.tagCount ?? 0) / \(plan?.manifestCount ?? 0)"
    )

    // Keystrokes, the way the browser re-plans (one memo for the session): typing in the --ago
    // field (the regex verdicts are remembered), then typing the filter itself (each new valid
    // pattern is matched afresh).
    let memo = PlanMemo()
    _ = Planner.plan(inventory: inventory, policy: policy, now: now, memo: memo)
    let typedCount = max(8, min(40, 200_000 / max(tags, 1)))
    let agePolicies = try (0..<typedCount).map { step in
        try PurgePolicy.parse(
            filters: [filter], ago: "\(30 + step)d", keep: 5, untagged: true, protect: protect)
    }
    let ageTimes = only == "filter" ? [] : keystrokes(inventory, now: now, memo: memo, agePolicies)
    let prefixes = (1...filter.count).map { String(filter.prefix($0)) }
    let filterPolicies = prefixes.compactMap { text in
        try? PurgePolicy.parse(filters: [text], ago: "30d", keep: 5, untagged: true, protect: protect)
    }.suffix(typedCount)
    let filterTimes = only == "ago" ? [] : keystrokes(inventory, now: now, memo: memo, Array(filterPolicies))
    keystrokeLines.append(
        "\(String(tags).padding(toLength: 10, withPad: " ", startingAt: 0)) | --ago typed (\(ageTimes.count)): p50 \(milliseconds(percentile(ageTimes, 50))), p99 \(milliseconds(percentile(ageTimes, 99))) | filter typed (\(filterTimes.count)): p50 \(milliseconds(percentile(filterTimes, 50))), p99 \(milliseconds(percentile(filterTimes, 99))) | peak RSS \(peakRSS())"
    )
}
print("")
print("keystroke re-plans (release, one memo; targets: p99 16 ms at 10,000 tags, 150 ms at 100,000)")
print("tags total | field typed: p50, p99 per re-plan | memory")
for line in keystrokeLines { print(line) }
