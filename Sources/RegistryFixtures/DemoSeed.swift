import Foundation
import RegistryClient

/// The registry contents of the article, plus realistic extras for the demo.
public enum DemoSeed {
    /// A UTC date at noon, for readable fixture times.
    public static func day(_ year: Int, _ month: Int, _ day: Int, hour: Int = 12) -> Date {
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.timeZone = TimeZone(identifier: "UTC")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    /// The article's scenario: `my-app` tags `1.0.0 2.0.0 3.0.0 4.0.0 dev prod` with `dev` = `4.0.0`
    /// (6 tags, 5 manifests; newest first 4.0.0 dev 3.0.0 prod 2.0.0 1.0.0) and `another-app` tags
    /// `1.0.0 2.0.0 dev` with `dev` = `2.0.0` (newest first 2.0.0 dev 1.0.0). Times are the configs' `created`.
    public static func pushArticleScenario(_ pusher: FixturePusher) async throws {
        let myApp: [(tags: [String], created: Date)] = [
            (["1.0.0"], day(2022, 12, 10)),
            (["2.0.0"], day(2022, 12, 12)),
            (["prod"], day(2022, 12, 13)),
            (["3.0.0"], day(2022, 12, 15)),
            (["4.0.0", "dev"], day(2022, 12, 18)),
        ]
        for image in myApp {
            try await pusher.pushImage(
                repository: "my-app", tags: image.tags,
                spec: ImageSpec(seed: "my-app:" + image.tags[0], created: image.created))
        }
        let anotherApp: [(tags: [String], created: Date)] = [
            (["1.0.0"], day(2022, 12, 11)),
            (["2.0.0", "dev"], day(2022, 12, 16)),
        ]
        for image in anotherApp {
            try await pusher.pushImage(
                repository: "another-app", tags: image.tags,
                spec: ImageSpec(seed: "another-app:" + image.tags[0], created: image.created))
        }
    }

    /// Everything `make demo` shows: the article's repositories, a multi-arch image, a signed image,
    /// an image of unknown age, and a busy repository with `busyTags` CI builds over recent weeks.
    public static func pushDemo(
        _ pusher: FixturePusher, now: Date = Date(), busyTags: Int = 300, progress: (@Sendable (String) -> Void)? = nil
    ) async throws {
        progress?("my-app, another-app (the article's repositories)")
        try await pushArticleScenario(pusher)

        progress?("platform-app (multi-arch indexes)")
        let platforms = [
            Platform(architecture: "amd64", os: "linux"), Platform(architecture: "arm64", os: "linux", variant: "v8"),
        ]
        for (version, created) in [
            ("1.0", day(2023, 3, 1)), ("1.1", day(2023, 6, 1)), ("2.0", now.addingTimeInterval(-5 * 86400)),
        ] {
            try await pusher.pushIndex(
                repository: "platform-app", tags: version == "2.0" ? [version, "latest"] : [version],
                children: platforms.map {
                    ImageSpec(seed: "platform-app:\(version):\($0)", created: created, platform: $0, layerBytes: 4096)
                })
        }

        progress?("signed-app (signatures as referrers and cosign tags)")
        for (version, created) in [("1.0", day(2023, 1, 20)), ("1.1", day(2023, 2, 20))] {
            let image = try await pusher.pushImage(
                repository: "signed-app", tags: [version],
                spec: ImageSpec(seed: "signed-app:" + version, created: created))
            try await pusher.pushReferrer(repository: "signed-app", subject: image, style: .tagSchema)
            try await pusher.pushReferrer(repository: "signed-app", subject: image, style: .cosignTag(suffix: "sig"))
        }

        progress?("repro-app (reproducible builds dated 1970, and no date at all)")
        try await pusher.pushImage(
            repository: "repro-app", tags: ["1.0"],
            spec: ImageSpec(seed: "repro-app:1.0", created: Date(timeIntervalSince1970: 0)))
        try await pusher.pushImage(
            repository: "repro-app", tags: ["nightly"], spec: ImageSpec(seed: "repro-app:nightly", created: nil))

        progress?("ci-builds (\(busyTags) tags, one build every 4 hours)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            let batch = 8
            for start in stride(from: 0, to: busyTags, by: batch) {
                group.addTask {
                    for number in start..<min(start + batch, busyTags) {
                        let created = now.addingTimeInterval(-Double(busyTags - number) * 4 * 3600)
                        let tag = String(format: "build-%04d", number + 1)
                        try await pusher.pushImage(
                            repository: "ci-builds", tags: [tag],
                            spec: ImageSpec(seed: "ci-builds:" + tag, created: created, layerBytes: 512))
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
