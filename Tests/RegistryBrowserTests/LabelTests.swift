import Purge
import RegistryClient
import TUICore
import Testing

@testable import RegistryBrowser

@Suite("Labels: read for the image the details pane shows, not held in the inventory")
struct LabelTests {
    static func config(_ image: String) -> Digest { BrowserFixture.digest(image + "/config") }

    /// The fixture's model with the tags of my-app focused, labels answered by hand (`update`).
    static func focusedModel() -> BrowserModel {
        var model = BrowserFixture.model(width: 140, height: 30)
        model.press(.enter)
        return model
    }

    @Test("the selected image's labels are asked for once, and shown when they arrive")
    func askedOnceAndShown() {
        var model = Self.focusedModel()
        // 4.0.0 (m4) was read through `send`; dev is the same image: nothing more to ask.
        #expect(model.labels.entry(Self.config("m4")) == .read(BrowserFixture.labels(ofImage: "m4")))
        let toDev = model.update(.key(.down))
        #expect(toDev.isEmpty)
        #expect(model.selectedTag == "dev")
        #expect(model.screen.contains("labels     org.opencontainers.image.title=m4"))

        let commands = model.update(.key(.down)).map(\.description)
        #expect(model.selectedTag == "3.0.0")
        #expect(commands == ["read labels my-app@\(Self.config("m3").short)"])
        #expect(model.labels.entry(Self.config("m3")) == .pending)
        #expect(!model.screen.contains("labels "), "nothing in their place while they are read")
        // Asked once: other messages while it is read ask no more.
        let tick = model.update(.tick(BrowserFixture.now))
        #expect(tick.isEmpty)

        _ = model.update(.labelsRead(config: Self.config("m3"), labels: ["org.opencontainers.image.version": "3.0.0"]))
        #expect(model.screen.contains("labels     org.opencontainers.image.version=3.0.0"))
        // Back and forth: both are known, nothing is asked again.
        let up = model.update(.key(.up))
        let down = model.update(.key(.down))
        #expect(up.isEmpty && down.isEmpty)
    }

    @Test("a config that could not be read says why in the labels' place")
    func unreadable() {
        var model = Self.focusedModel()
        _ = model.update(.key(.down))
        _ = model.update(.key(.down))
        _ = model.update(.labelsUnreadable(config: Self.config("m3"), reason: "HTTP 404 fetching blob"))
        #expect(model.screen.contains("labels     not read: HTTP 404 fetching blob"))
    }

    @Test("the manifests view asks for the selected manifest's labels too")
    func manifestsView() {
        var model = Self.focusedModel()
        _ = model.update(.key(.character("m")))
        #expect(model.listView == .manifests)
        let first = model.selectedManifest
        _ = model.update(.key(.down))
        let second = model.selectedManifest
        #expect(second != nil && second != first)
        let config = model.detailsRecord?.blobs.first?.digest
        #expect(config != nil && config != Self.config("m4"))
        if let config {
            #expect(model.labels.entry(config) == .pending)
            _ = model.update(.labelsRead(config: config, labels: ["shown": "here"]))
            #expect(model.screen.contains("labels     shown=here"))
        }
    }

    @Test("the shelf keeps the last 256 configs; a forgotten one is asked for again")
    func bounded() {
        #expect(LabelShelf.capacity == 256)
        var shelf = LabelShelf()
        let configs = (0...LabelShelf.capacity).map { Digest.sha256(of: Array("config \($0)".utf8)) }
        let asked = configs.map { shelf.request($0) }
        #expect(asked.allSatisfy { $0 })
        #expect(shelf.count == LabelShelf.capacity)
        #expect(shelf.entry(configs[0]) == nil)
        // An answer for a forgotten request is dropped, not stored beyond the bound.
        shelf.store(configs[0], .read(["a": "1"]))
        #expect(shelf.entry(configs[0]) == nil && shelf.count == LabelShelf.capacity)
        shelf.store(configs[1], .read(["b": "2"]))
        #expect(shelf.entry(configs[1]) == .read(["b": "2"]))
        let again = shelf.request(configs[1])
        #expect(!again)
        let forgotten = shelf.request(configs[0])
        #expect(forgotten)
        #expect(shelf.entry(configs[1]) == nil, "the oldest went to make room")
    }
}
