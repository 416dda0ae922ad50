import CSQLite
import CTocsinShims

#if canImport(Glibc)
    import Glibc
#endif

/// The store's writer thread, with its own SQLite connection: it commits the rounds'
/// batches while the event loop works on the next round, so parsing and the engine run on
/// one core and SQLite and fsync on the other. Batches that queue up while a commit is under
/// way go into the next transaction together (group commit). Results come back in order,
/// through a queue and an eventfd the loop watches.
///
/// After a failed commit every batch still queued fails too — each was built on the state
/// the failed one would have left — until the loop has rebuilt its state and calls
/// `resume()`.
final class StoreWriter: @unchecked Sendable {
    static let token: UInt64 = 5

    /// One batch's fate.
    struct Completion {
        var sequence: UInt64
        /// nil when committed.
        var error: StoreError?
    }

    let eventFD: Int32
    private let store: Store
    private let lock = Lock()
    private var queue: [(UInt64, StoreBatch)] = []
    private var completions: [Completion] = []
    /// The failure every batch gets until `resume()`.
    private var poison: StoreError?
    private var stopping = false
    private var thread = pthread_t()
    /// Copies the WAL into the database off this thread.
    let checkpointer: Checkpointer
    /// Pages in the WAL after the last commit (SQLite's WAL hook; writer thread only).
    fileprivate var walPages: Int32 = 0
    /// `walPages` when a checkpoint was last asked for.
    private var requestedAt: Int32 = 0

    /// Opens a second connection to the store in `directory` and starts the thread.
    init(directory: String) throws(StoreError) {
        store = try Store(directory: directory)
        checkpointer = try Checkpointer(path: store.path)
        eventFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        // Replaces SQLite's automatic checkpoint (itself a WAL hook) on this connection.
        sqlite3_wal_hook(store.db.handle, { context, _, _, pages in
            Unmanaged<StoreWriter>.fromOpaque(context!).takeUnretainedValue().walPages = pages
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
        thread = startThread { self.work() }
    }

    /// Queues a batch for commit.
    func submit(_ batch: StoreBatch, sequence: UInt64) {
        lock.withLock {
            queue.append((sequence, batch))
            lock.broadcast()
        }
    }

    /// The results so far, oldest first (also clears the eventfd).
    func takeCompletions() -> [Completion] {
        var counter: UInt64 = 0
        _ = read(eventFD, &counter, 8)
        return lock.withLock {
            defer { completions.removeAll(keepingCapacity: true) }
            return completions
        }
    }

    /// Blocks until at least one result is ready.
    func waitForCompletion() {
        lock.withLock {
            while completions.isEmpty { lock.wait() }
        }
    }

    /// Commits again after a failure (the loop has rebuilt its state from the store).
    func resume() { lock.withLock { poison = nil } }

    /// Commits what is queued, then stops the thread.
    func stop() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
        pthread_join(thread, nil)
        checkpointer.stop()
    }

    /// After a commit: a checkpoint is asked for each time the WAL has grown by
    /// `Checkpointer.pages`. Under steady writes the checkpointer never quite catches up
    /// (commits go on while it copies), so the WAL would never start over from its
    /// beginning; once it has done a checkpoint, the writer copies what came in meanwhile
    /// itself, between two commits, and the next commit starts the WAL over. (Asking again
    /// after every commit instead kept the checkpointer copying a few pages at a time, each
    /// time with two fsyncs that the commits' own fsyncs queued behind.) Should the
    /// checkpointer fall far behind, the writer checkpoints at `writerTakesOver` pages.
    private func checkpointIfDue() {
        if walPages < requestedAt { requestedAt = 0 }  // the WAL started over
        if walPages >= Checkpointer.writerTakesOver || walPages >= Checkpointer.pages && checkpointer.takeCompleted() {
            _ = checkpointer.takeCompleted()  // one done before this one counts for nothing later
            try? store.db.execute("PRAGMA wal_checkpoint(PASSIVE)", "checkpoint")
            walPages = 0
            requestedAt = 0
        } else if walPages >= requestedAt + Checkpointer.pages {
            checkpointer.request()
            requestedAt = walPages
        }
    }

    private func work() {
        while true {
            let (taken, poisonNow): ([(UInt64, StoreBatch)], StoreError?) = lock.withLock {
                while queue.isEmpty && !stopping { lock.wait() }
                defer { queue.removeAll(keepingCapacity: true) }
                return (queue, poison)
            }
            if taken.isEmpty { return }  // stopping, nothing left
            var failure = poisonNow
            if failure == nil {
                do {
                    try store.begin()
                    for (_, batch) in taken { try store.apply(batch) }
                    try store.commit()
                    checkpointIfDue()
                } catch {
                    store.rollback()
                    failure = error
                }
            }
            lock.withLock {
                if let failure { poison = failure }
                for (sequence, _) in taken { completions.append(Completion(sequence: sequence, error: failure)) }
                lock.broadcast()
            }
            var one: UInt64 = 1
            _ = write(eventFD, &one, 8)
        }
    }
}
