import Foundation
import RegistryBrowser

/// Where effect tasks leave their results for the run loop: a lock-protected queue.
///
/// Effects run on the cooperative pool; the run loop is on the main actor and blocks in `readKey` for a
/// few milliseconds at a time, so it drains the queue between keys instead of awaiting a stream.
final class BrowseMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [BrowserMessage] = []

    /// Leaves a message for the run loop; callable from any task.
    func post(_ message: BrowserMessage) {
        lock.withLock { messages.append(message) }
    }

    /// Takes every message left so far, oldest first.
    func drain() -> [BrowserMessage] {
        lock.withLock {
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }
}
