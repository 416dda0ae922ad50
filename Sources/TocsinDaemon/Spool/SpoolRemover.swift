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
    private var queue: [String] = []
    private var removed: [String] = []
    private var stopping = false
    private var threads: [pthread_t] = []
    private let directory: String

    /// Starts `threads` threads deleting names of `directory`.
    init(directory: String, threads count: Int = 2) {
        self.directory = directory
        threads = (0..<count).map { _ in startThread { self.work() } }
    }

    /// Queues a file name for deletion.
    func remove(_ name: String) {
        lock.withLock {
            queue.append(name)
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
            let names: [String] = lock.withLock {
                while queue.isEmpty && !stopping { lock.wait() }
                // A share at a time, so the other thread finds work too.
                let share = Array(queue.prefix(max(1, min(64, queue.count / 2))))
                queue.removeFirst(share.count)
                return share
            }
            if names.isEmpty { return }  // stopping, nothing left
            for name in names { unlink(directory + "/" + name) }
            lock.withLock { removed += names }
        }
    }
}
