import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Copies the WAL back into the database file on a thread of its own, with its own
/// connection, so the store writer's commits do not wait for it: SQLite's automatic
/// checkpoint runs inside the commit that crosses the threshold, and a storm's commits
/// waited ~60 ms for each. The writer asks for a checkpoint once the WAL holds `pages`
/// pages (`PASSIVE`: it copies what no reader still needs and never blocks the writer).
/// Should it fall behind, the writer checkpoints itself at `writerTakesOver` pages, so the
/// WAL stays bounded.
final class Checkpointer: @unchecked Sendable {
    /// WAL pages (4 KiB each) at which a checkpoint is asked for: SQLite's own default is 1,000.
    static let pages: Int32 = 4000
    /// WAL pages at which the writer checkpoints itself.
    static let writerTakesOver: Int32 = 16000

    private let db: SQLiteDatabase
    private let lock = Lock()
    private var requested = false
    private var stopping = false
    private var thread = pthread_t()
    private var completed = 0

    /// Opens its connection to the database at `path` and starts the thread.
    init(path: String) throws(StoreError) {
        db = try SQLiteDatabase(path: path, readOnly: false)
        try db.execute("PRAGMA wal_autocheckpoint=0", "configure")
        thread = startThread { self.work() }
    }

    /// Asks for a checkpoint (one is done soon, however often this is called meanwhile).
    func request() {
        lock.withLock {
            requested = true
            lock.signal()
        }
    }

    /// Stops the thread (a checkpoint under way is finished first).
    func stop() {
        lock.withLock {
            stopping = true
            lock.signal()
        }
        pthread_join(thread, nil)
    }

    /// How many checkpoints have been done.
    var count: Int { lock.withLock { completed } }

    private func work() {
        while true {
            let go: Bool = lock.withLock {
                while !requested && !stopping { lock.wait() }
                defer { requested = false }
                return !stopping
            }
            guard go else { return }
            // A failure (disk full, busy) is left for the next request or the writer's own.
            try? db.execute("PRAGMA wal_checkpoint(PASSIVE)", "checkpoint")
            lock.withLock { completed += 1 }
        }
    }
}
