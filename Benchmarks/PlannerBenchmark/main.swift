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
        let layer = Descriptor(
            mediaType: MediaType.ociLayerGzip, digest: Digest.sha256(of: Data("layer-\(name)-\(number)".utf8)),
            size: 1000)
        inventory.manifests[digest] = ManifestRecord(
            digest: digest, mediaType: MediaType.ociManifest, kind: .image, body: Data(count: 500), totalSize: 1500,
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

let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let policy = try PurgePolicy.parse(
    filters: [".*:^((?!release).)*$"], ago: "30d", keep: 5, untagged: true, protect: ["app-0:^build-0000"])
print("repositories x tags  | tags total | plans | mean per plan | deleted tags / manifests")
for size in sizes.isEmpty ? [100, 1000, 5000] : sizes {
    let inventory = Inventory(registry: "bench", repositories: (0..<4).map { repository("app-\($0)", count: size) })
    let now = Date(timeIntervalSince1970: 1_600_000_000 + Double(size) * 86400)
    var plan = Planner.plan(inventory: inventory, policy: policy, now: now)
    let rounds = max(3, 20_000 / size)
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for _ in 0..<rounds { plan = Planner.plan(inventory: inventory, policy: policy, now: now) }
    }
    let perPlan = elapsed / rounds
    let tags = inventory.repositories.reduce(0) { $0 + $1.tags.count }
    print(
        "4 x \(String(size).padding(toLength: 15, withPad: " ", startingAt: 0)) | \(String(tags).padding(toLength: 10, withPad: " ", startingAt: 0)) | \(String(rounds).padding(toLength: 5, withPad: " ", startingAt: 0)) | \(perPlan) | \(plan.tagCount) / \(plan.manifestCount)"
    )
}
