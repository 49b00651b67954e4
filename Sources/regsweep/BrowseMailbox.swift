import Foundation
import RegistryBrowser

/// Where effect tasks leave their results for the run loop: a lock-protected queue with a wake-up
/// pipe.
///
/// Effects run on the cooperative pool; the run loop is on the main actor. It waits for a key or a
/// message, whichever comes first (`wait`): a plan that finishes while the user is not typing is on
/// screen at once, not when the next wait for a key runs out (that wait put up to 40 ms between a
/// finished plan and its frame).
final class BrowseMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [BrowserMessage] = []
    /// Read end and write end; a byte in the pipe means "messages are waiting". Both non-blocking:
    /// a full pipe already says so, and draining never waits.
    private let pipeEnds: (read: Int32, write: Int32)?

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
            pipeEnds = (ends[0], ends[1])
        } else {
            pipeEnds = nil
        }
    }

    deinit {
        if let pipeEnds {
            close(pipeEnds.read)
            close(pipeEnds.write)
        }
    }

    /// Leaves a message for the run loop and wakes it; callable from any task.
    func post(_ message: BrowserMessage) {
        lock.withLock { messages.append(message) }
        if let pipeEnds {
            var byte: UInt8 = 1
            _ = write(pipeEnds.write, &byte, 1)
        }
    }

    /// Takes every message left so far, oldest first.
    func drain() -> [BrowserMessage] {
        if let pipeEnds {
            // Called on every turn of the run loop: a buffer on the stack, not an array per call.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
                while read(pipeEnds.read, buffer.baseAddress, buffer.count) > 0 {}
            }
        }
        return lock.withLock {
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }

    /// Blocks until `input` is readable, a message is posted, a signal arrives (a resize), or
    /// `milliseconds` pass.
    func wait(orInput input: Int32, milliseconds: Int32) {
        var descriptors = [pollfd(fd: input, events: Int16(POLLIN), revents: 0)]
        if let pipeEnds { descriptors.append(pollfd(fd: pipeEnds.read, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
    }
}
