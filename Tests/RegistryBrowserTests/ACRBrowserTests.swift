import Foundation
import Purge
import RegistryClient
import TUICore
import Testing

@testable import RegistryBrowser

/// The browser on an ACR: the API in the header, ages by ACR's update times, lock state per tag
/// and manifest, and untagged manifests in the manifests view.
@Suite struct ACRBrowserTests {
    /// The article's `my-app` as ACR lists it: every tag with its own update time, `1.0.0`
    /// write-locked, and one manifest without tags.
    static func acrRepository() -> RepositoryInventory {
        var repository = BrowserFixture.myApp
        repository.api = .acr
        for (tag, digest) in repository.tags {
            repository.tagTimes[tag] = TagTime(date: repository.manifests[digest]?.time.date, source: .vendor)
        }
        repository.tagLocks["1.0.0"] = .write
        var untagged = BrowserFixture.image("my-app", "orphan", created: BrowserFixture.day(1))
        untagged.time = TagTime(date: BrowserFixture.day(1), source: .vendor)
        untagged.lock = .delete
        repository.manifests[untagged.digest] = untagged
        return repository
    }

    func model() -> BrowserModel {
        var model = BrowserFixture.model(width: 132, height: 40, repositories: [Self.acrRepository()])
        model.send(
            .capabilitiesFound(
                RegistryCapabilities(
                    tagDeletion: .acr, deleteEnabled: true, referrersAPI: true, catalog: true, api: .acr)))
        return model
    }

    @Test func theHeaderNamesTheACRAPIAndItsAgeSource() {
        let screen = model().screen
        #expect(screen.contains("ACR API"), "\(screen)")
        #expect(screen.contains("tag delete via /acr/v1"))
        #expect(screen.contains("ages: ACR last update"), "\(screen)")
    }

    @Test func locksShowPerTagAndALockedTagIsKept() throws {
        let model = model()
        let lines = model.frame().lines()
        #expect(lines.contains { $0.contains("LOCK") })
        let row = try #require(lines.first { $0.contains(" 1.0.0 ") })
        #expect(row.contains(" wr "), "\(row)")
        #expect(row.contains("locked"), "the write-locked 1.0.0 stays: \(row)")
        let verdict = model.plan["my-app"]?.tags.first { $0.tag == "1.0.0" }
        #expect(verdict?.reason == .locked)
    }

    @Test func theManifestsViewShowsUntaggedManifestsWithTheirLock() throws {
        var model = model()
        model.send(.key(.character("m")))
        let lines = model.frame().lines()
        let orphan = BrowserFixture.digest("my-app/orphan").short
        let row = try #require(lines.first { $0.contains(orphan) }, "\(lines.joined(separator: "\n"))")
        #expect(row.contains("(untagged)"))
        #expect(row.contains(" del "), "\(row)")
    }

    @Test func aGenericRegistryHasNoLockColumn() {
        let lines = BrowserFixture.model(width: 132, height: 40).frame().lines()
        #expect(!lines.contains { $0.contains("LOCK") })
    }
}
