import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// Deletes applied spool files on threads of their own. On a filesystem mounted with
/// `discard` an `unlink` waits for the device (a millisecond or more a file), which on the
/// event loop would cap spool intake; here it overlaps the next rounds, and two threads
/// overlap each other's waits. Files are handed
/// over only after their round's commit, so a deletion still means the events are stored;
/// a file a crash leaves behind is recognized by its recorded digest and only deleted.
final class SpoolRemover: @unchecked Sendable {
    private let lock = Lock()
    private var queue: [(folder: Int32, name: String)] = []
    private var removed: [String] = []
    private var stopping = false
    private var threads: [pthread_t] = []
    /// Starts `threads` threads deleting files.
    init(threads count: Int = 2) {
        threads = (0..<count).map { _ in startThread { self.work() } }
    }

    /// Queues a file of the folder open as `folder` for deletion.
    func remove(_ name: String, in folder: Int32) {
        lock.withLock {
            queue.append((folder, name))
            lock.signal()
        }
    }

    /// The names deleted since the last call.
    func takeRemoved() -> [String] {
        lock.withLock {
            defer { removed.removeAll(keepingCapacity: true) }
            return removed
        }
    }

    /// Deletes what is queued, then stops the threads.
    func stop() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
        for thread in threads { pthread_join(thread, nil) }
    }

    private func work() {
        while true {
            let names: [(folder: Int32, name: String)] = lock.withLock {
                while queue.isEmpty && !stopping { lock.wait() }
                // A share at a time, so the other thread finds work too.
                let share = Array(queue.prefix(max(1, min(64, queue.count / 2))))
                queue.removeFirst(share.count)
                return share
            }
            if names.isEmpty { return }  // stopping, nothing left
            for (folder, name) in names { unlinkat(folder, name, 0) }
            lock.withLock { removed += names.map(\.name) }
        }
    }
}
