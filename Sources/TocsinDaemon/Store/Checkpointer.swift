import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Copies the WAL back into the database file on a thread of its own, with its own
/// connection, so the store writer's commits do not wait for it: SQLite's automatic
/// checkpoint runs inside the commit that crosses the threshold, and a storm's commits
/// waited ~60 ms for each. The writer asks for a checkpoint each time the WAL has grown by
/// `pages` pages (`PASSIVE`: it copies what no reader still needs and never blocks the
/// writer), and copies the rest itself once one is done (`StoreWriter.checkpointIfDue`).
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
    private var copied = 0
    /// Whether a checkpoint was done since `takeCompleted` last looked.
    private var completedUnseen = false

    /// Opens its connection to the database at `path` and starts the thread.
    init(path: String) throws(StoreError) {
        db = try SQLiteDatabase(path: path, readOnly: false)
        try db.execute("PRAGMA wal_autocheckpoint=0", "configure")
        // A connection learns that the database is in WAL mode when it first reads it;
        // until then a checkpoint on it does nothing at all (and says so with -1 frames).
        _ = try db.scalar("SELECT COUNT(*) FROM sqlite_master")
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

    /// How many WAL frames the checkpoints found copied into the database, in all.
    var framesCopied: Int { lock.withLock { copied } }

    /// Whether a checkpoint was done since the last call.
    func takeCompleted() -> Bool {
        lock.withLock {
            defer { completedUnseen = false }
            return completedUnseen
        }
    }

    private func work() {
        while true {
            let go: Bool = lock.withLock {
                while !requested && !stopping { lock.wait() }
                defer { requested = false }
                return !stopping
            }
            guard go else { return }
            // A failure (disk full, busy) is left for the next request or the writer's own.
            var frames: Int32 = 0
            var checkpointed: Int32 = 0
            let rc = sqlite3_wal_checkpoint_v2(db.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, &checkpointed)
            lock.withLock {
                completed += 1
                if rc == SQLITE_OK && checkpointed > 0 { copied += Int(checkpointed) }
                completedUnseen = true
            }
        }
    }
}
