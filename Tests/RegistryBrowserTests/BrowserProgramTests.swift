import Foundation
import TUICore
import Testing

@testable import RegistryBrowser

@MainActor
@Suite("BrowserProgram on a TestBackend")
struct BrowserProgramTests {
    @Test("keys in, frames out; only changed cells are sent")
    func keysAndFrames() throws {
        let backend = TestBackend(width: 80, height: 24)
        let program = BrowserProgram(model: BrowserFixture.model(width: 80, height: 24), backend: backend)
        program.draw()
        #expect(backend.frames.count == 1)
        program.draw()
        #expect(backend.frames.count == 1)  // nothing changed: nothing drawn
        backend.enqueue(.enter, .down)
        #expect(program.pollKey(timeoutMilliseconds: 10)?.isEmpty == true)
        #expect(program.pollKey(timeoutMilliseconds: 10)?.isEmpty == true)
        #expect(program.pollKey(timeoutMilliseconds: 10) == nil)
        program.draw()
        let frame = try #require(backend.lastFrame)
        #expect(frame.lines().contains { $0.contains("dev: kept: no filter matches it") || $0.contains("my-app:dev") })
        #expect(backend.lastUpdates.count < 80 * 24 / 2)
        #expect(backend.readTimeouts == [10, 10, 10])
    }

    @Test("a resize key makes the model take the backend's new size")
    func resize() throws {
        let backend = TestBackend(width: 80, height: 24)
        let program = BrowserProgram(model: BrowserFixture.model(width: 80, height: 24), backend: backend)
        backend.resize(width: 60, height: 20)
        _ = program.pollKey(timeoutMilliseconds: 0)
        program.draw()
        #expect(program.model.size == Size(width: 60, height: 20))
        #expect(try #require(backend.lastFrame).lines().contains { $0.contains("Terminal too small: 60×20") })
        backend.resize(width: 120, height: 40)
        _ = program.pollKey(timeoutMilliseconds: 0)
        program.draw()
        #expect(try #require(backend.lastFrame).width == 120)
        #expect(try #require(backend.lastFrame).lines().contains { $0.contains("Tags of my-app (6)") })
    }

    @Test("ctrl-l repaints everything instead of passing a command on")
    func redraw() {
        let backend = TestBackend(width: 80, height: 24)
        let program = BrowserProgram(model: BrowserFixture.model(width: 80, height: 24), backend: backend)
        program.draw()
        backend.enqueue(.ctrl("l"))
        #expect(program.pollKey(timeoutMilliseconds: 0)?.isEmpty == true)
        program.draw()
        #expect(backend.lastUpdates.count == 80 * 24)
    }

    @Test("busy while a plan is being made, so the planning spinner turns; idle once it arrives")
    func busyWhilePlanning() throws {
        let backend = TestBackend(width: 80, height: 24)
        let program = BrowserProgram(model: BrowserFixture.model(width: 80, height: 24), backend: backend)
        #expect(!program.isBusy)
        _ = program.send(.key(.enter))
        let commands = program.send(.key(.character(" ")))
        #expect(program.isBusy)
        let request = try #require(
            commands.compactMap { command -> PlanRequest? in
                if case .plan(let request) = command { return request }
                return nil
            }.first)
        _ = program.send(.planned(request.make()))
        #expect(!program.isBusy)
    }

    @Test("the model is sized to the backend at start, and busy while loading")
    func initialSize() {
        let backend = TestBackend(width: 100, height: 30, colorSupport: .monochrome, supportsUnicode: false)
        let model = BrowserModel(
            configuration: BrowserConfiguration(registry: "r", supportsUnicode: false),
            size: Size(width: 80, height: 24),
            now: Date())
        let program = BrowserProgram(model: model, backend: backend)
        #expect(program.model.size == Size(width: 100, height: 30))
        #expect(program.isBusy)
        #expect(program.send(.repositoriesListed([])).map(\.description) == [])
        #expect(!program.isBusy)
    }
}
