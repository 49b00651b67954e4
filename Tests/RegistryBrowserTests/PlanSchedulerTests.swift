import Foundation
import Purge
import Testing

@testable import RegistryBrowser

@Suite("PlanScheduler: one plan at a time, only the newest waits")
struct PlanSchedulerTests {
    static func request(_ generation: Int) -> PlanRequest {
        PlanRequest(
            generation: generation, inventory: Inventory(registry: "r", repositories: []),
            retention: RetentionPolicy(PurgePolicy(filters: [], ago: nil)), now: BrowserFixture.now, marks: [])
    }

    @Test("three requests while one runs: only the newest of them runs next, then nothing")
    func coalesces() {
        var scheduler = PlanScheduler()
        let first = scheduler.submit(Self.request(1))
        #expect(first?.generation == 1)
        #expect(scheduler.running == 1)
        let waiting = [2, 3, 4].map { scheduler.submit(Self.request($0)) }
        #expect(waiting.allSatisfy { $0 == nil })
        #expect(scheduler.pending?.generation == 4)
        let next = scheduler.finish()
        #expect(next?.generation == 4)
        #expect(scheduler.running == 4)
        #expect(scheduler.pending == nil)
        let after = scheduler.finish()
        #expect(after == nil)
        #expect(scheduler.running == nil)
    }

    @Test("an idle scheduler starts a request at once; an older request never replaces a newer waiter")
    func ordering() {
        var scheduler = PlanScheduler()
        let started = scheduler.submit(Self.request(5))
        #expect(started?.generation == 5)
        let newer = scheduler.submit(Self.request(7))
        let older = scheduler.submit(Self.request(6))
        #expect(newer == nil && older == nil)
        #expect(scheduler.pending?.generation == 7)
        let next = scheduler.finish()
        #expect(next?.generation == 7)
        let none = scheduler.finish()
        #expect(none == nil)
        let idle = scheduler.submit(Self.request(8))
        #expect(idle?.generation == 8)
    }
}
