import CSQLite
import CTocsinShims
import TocsinSystem

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
package final class StoreWriter: @unchecked Sendable {

    /// One batch's fate.
    package struct Completion {
        package var sequence: UInt64
        /// nil when committed.
        package var error: StoreError?
    }

    package let eventFD: Int32
    private let store: Store
    private let lock = Lock()
    private var queue: [(UInt64, StoreBatch)] = []
    private var completions: [Completion] = []
    /// What retention passes deleted, not yet taken by the loop.
    private var pruneResults: [PruneResult] = []
    /// The failure every batch gets until `resume()`.
    private var poison: StoreError?
    private var stopping = false
    private var thread = pthread_t()
    /// Pages in the WAL after the last commit (SQLite's WAL hook; writer thread only).
    fileprivate var walPages: Int32 = 0
    /// WAL pages (4 KiB) at which the writer checkpoints, between two commits.
    package let checkpointPages: Int32
    /// How many checkpoints the writer has done, and the WAL frames they copied in all.
    private(set) var checkpoints = 0
    private(set) var framesCheckpointed = 0

    /// The WAL size at which the writer checkpoints: 1,000 pages, 4 MiB (SQLite's own
    /// threshold). A checkpoint copies the WAL into the database and fsyncs it, and the next
    /// commit starts the WAL over; the commits after it wait for it, for a time that grows
    /// with the pages it copies, so checkpoints are kept small and frequent, between two
    /// commits (docs/performance.md has the figures, and the designs that lost).
    package static let defaultCheckpointPages: Int32 = 1_000

    /// Opens a second connection to the store in `directory` and starts the thread.
    package init(directory: String, checkpointPages: Int32 = StoreWriter.defaultCheckpointPages) throws(StoreError) {
        store = try Store(directory: directory)
        self.checkpointPages = checkpointPages
        eventFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        // Replaces SQLite's automatic checkpoint (itself a WAL hook) on this connection.
        sqlite3_wal_hook(store.db.handle, { context, _, _, pages in
            Unmanaged<StoreWriter>.fromOpaque(context!).takeUnretainedValue().walPages = pages
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
        thread = startThread { self.work() }
    }

    /// Queues a batch for commit.
    package func submit(_ batch: StoreBatch, sequence: UInt64) {
        lock.withLock {
            queue.append((sequence, batch))
            lock.broadcast()
        }
    }

    /// The results so far, oldest first (also clears the eventfd).
    package func takeCompletions() -> [Completion] {
        var counter: UInt64 = 0
        _ = read(eventFD, &counter, 8)
        return lock.withLock {
            defer { completions.removeAll(keepingCapacity: true) }
            return completions
        }
    }

    /// What the retention passes committed since the last call deleted.
    package func takePruneResults() -> [PruneResult] {
        lock.withLock {
            defer { pruneResults.removeAll() }
            return pruneResults
        }
    }

    /// Blocks until at least one result is ready.
    package func waitForCompletion() {
        lock.withLock {
            while completions.isEmpty { lock.wait() }
        }
    }

    /// Commits again after a failure (the loop has rebuilt its state from the store).
    package func resume() { lock.withLock { poison = nil } }

    /// Commits what is queued, then stops the thread.
    package func stop() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
        pthread_join(thread, nil)
    }

    /// After a commit: a checkpoint once the WAL holds `checkpointPages` pages (`PASSIVE`:
    /// it copies what no reader still needs; the next commit starts the WAL over).
    private func checkpointIfDue() {
        guard walPages >= checkpointPages else { return }
        var frames: Int32 = 0
        var copied: Int32 = 0
        // A failure (disk full, a reader in the way) is left for the next commit's turn.
        if sqlite3_wal_checkpoint_v2(store.db.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied) == SQLITE_OK {
            checkpoints += 1
            framesCheckpointed += Int(max(copied, 0))
        }
        walPages = 0
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
                    // A commit into a removed or replaced file is not stored: it is not
                    // acknowledged, and the loop stops (`Daemon.checkStoreFile`).
                    if let problem = store.fileProblem() {
                        failure = StoreError(store.path, "commit to", problem, code: SQLITE_IOERR)
                    }
                } catch {
                    store.rollback()
                    failure = error
                }
            }
            let pruned = failure == nil ? store.lastPrune : nil
            store.lastPrune = nil
            if let pruned, pruned.more { try? store.giveBackFreePages(256) }
            lock.withLock {
                if let pruned { pruneResults.append(pruned) }
                if let failure { poison = failure }
                for (sequence, _) in taken { completions.append(Completion(sequence: sequence, error: failure)) }
                lock.broadcast()
            }
            var one: UInt64 = 1
            _ = write(eventFD, &one, 8)
            // After the results are out: the batches just committed do not wait for it.
            if failure == nil { checkpointIfDue() }
        }
    }
}
