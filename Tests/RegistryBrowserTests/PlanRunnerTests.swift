import Foundation
import Purge
import Testing

@testable import RegistryBrowser

/// Records what the runner made and delivered; the first plan is held up until the test lets it go.
private final class HeldPlanner: @unchecked Sendable {
    private let lock = NSLock()
    private var madeGenerations: [Int] = []
    /// Signalled when the held plan has started.
    let started = DispatchSemaphore(value: 0)
    /// Signalled by the test to let the held plan finish.
    let release = DispatchSemaphore(value: 0)
    let held: Int

    init(holding generation: Int) { held = generation }

    var made: [Int] { lock.withLock { madeGenerations } }

    func make(_ request: PlanRequest) -> PlanResult {
        lock.withLock { madeGenerations.append(request.generation) }
        if request.generation == held {
            started.signal()
            release.wait()
        }
        return request.make()
    }
}

@Suite("PlanRunner: the run loop's planning driver")
struct PlanRunnerTests {
    @Test("three requests while one is being made: the runner makes only the newest of them, then stops")
    func coalescesWhileRunning() {
        let planner = HeldPlanner(holding: 1)
        let runner = PlanRunner { planner.make($0) }
        let delivered = Delivered()
        let finished = DispatchSemaphore(value: 0)
        // A thread of its own, like the effect task: the held plan must not block the test.
        let thread = Thread {
            runner.run(PlanSchedulerTests.request(1), isCancelled: { false }) { delivered.append($0.generation) }
            finished.signal()
        }
        thread.start()
        planner.started.wait()
        for generation in [2, 3, 4] {
            // Each returns at once: a plan is being made, so the request only waits.
            runner.run(PlanSchedulerTests.request(generation), isCancelled: { false }) {
                delivered.append($0.generation)
            }
        }
        #expect(planner.made == [1])
        planner.release.signal()
        finished.wait()
        #expect(planner.made == [1, 4])
        #expect(delivered.generations == [1, 4])
    }

    @Test("after cancellation the waiting request is skipped, not made")
    func cancelledSkips() {
        let planner = HeldPlanner(holding: 1)
        let runner = PlanRunner { planner.make($0) }
        let delivered = Delivered()
        let cancelled = Flag()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            runner.run(PlanSchedulerTests.request(1), isCancelled: { cancelled.value }) {
                delivered.append($0.generation)
            }
            finished.signal()
        }
        thread.start()
        planner.started.wait()
        runner.run(PlanSchedulerTests.request(2), isCancelled: { false }) { delivered.append($0.generation) }
        cancelled.set()
        planner.release.signal()
        finished.wait()
        #expect(planner.made == [1])
        // The next request starts afresh: the runner is idle again.
        runner.run(PlanSchedulerTests.request(3), isCancelled: { false }) { delivered.append($0.generation) }
        #expect(planner.made == [1, 3])
    }
}

/// Generations handed on, in order, from any thread.
private final class Delivered: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []
    func append(_ generation: Int) { lock.withLock { values.append(generation) } }
    var generations: [Int] { lock.withLock { values } }
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    func set() { lock.withLock { isSet = true } }
    var value: Bool { lock.withLock { isSet } }
}
