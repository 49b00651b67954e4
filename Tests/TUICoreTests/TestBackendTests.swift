import TUICore
import Testing

@MainActor
@Suite("TestBackend")
struct TestBackendTests {
    @Test("keys come back in order, then nil as a timeout")
    func keyQueue() {
        let backend = TestBackend(width: 10, height: 3)
        backend.enqueue(.down, .enter)
        backend.enqueue(typing: "q ")
        #expect(backend.readKey(timeoutMilliseconds: 50) == .down)
        #expect(backend.readKey(timeoutMilliseconds: 50) == .enter)
        #expect(backend.readKey(timeoutMilliseconds: 50) == .character("q"))
        #expect(backend.readKey(timeoutMilliseconds: 50) == .character(" "))
        #expect(backend.readKey(timeoutMilliseconds: 10) == nil)
        #expect(backend.readTimeouts == [50, 50, 50, 50, 10])
    }

    @Test("frames are recorded, later ones as a diff")
    func frames() {
        let backend = TestBackend(width: 4, height: 1)
        backend.draw(Buffer(lines: ["abcd"]))
        #expect(backend.lastUpdates.count == 4)
        backend.draw(Buffer(lines: ["abXd"]))
        #expect(backend.frames.count == 2)
        #expect(backend.lastFrame?.lines() == ["abXd"])
        #expect(backend.lastUpdates == [CellUpdate(x: 2, y: 0, cell: Cell(symbol: "X"))])
        backend.invalidate()
        backend.draw(Buffer(lines: ["abXd"]))
        #expect(backend.lastUpdates.count == 4)
    }

    @Test("resizing changes the size and queues a resize key")
    func resize() {
        let backend = TestBackend(width: 80, height: 24)
        backend.resize(width: 100, height: 30)
        #expect(backend.size == Size(width: 100, height: 30))
        #expect(backend.readKey(timeoutMilliseconds: 0) == .resize)
    }

    @Test("suspend and resume")
    func suspend() {
        let backend = TestBackend(width: 2, height: 1)
        backend.draw(Buffer(lines: ["ab"]))
        backend.suspend()
        #expect(backend.isSuspended)
        backend.resume()
        #expect(!backend.isSuspended)
        backend.draw(Buffer(lines: ["ab"]))
        #expect(backend.lastUpdates.count == 2)
    }

    @Test("usable through the protocol")
    func throughProtocol() {
        let backend: any TerminalBackend = TestBackend(
            width: 20, height: 5, colorSupport: .monochrome, supportsUnicode: false)
        #expect(backend.size == Size(width: 20, height: 5))
        #expect(backend.colorSupport == .monochrome)
        #expect(!backend.supportsUnicode)
        var frame = Buffer(size: backend.size)
        frame.drawBox(frame.area, title: "Help", glyphs: .preferred(supportsUnicode: backend.supportsUnicode))
        backend.draw(frame)
        #expect((backend as? TestBackend)?.lastFrame?.lines().first == "+ Help ------------+")
    }
}
