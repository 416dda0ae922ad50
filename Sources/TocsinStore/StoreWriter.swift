import CSQLite
import CTocsinShims
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The store's writer thread, with its own SQLite connection: it commits the rounds'
/// batches while the event loop works on the next round, so parsing and the engine run on
/// one core and SQLite and fsync on the other. Batches that queue up while a commit is under
/// way go into the next transaction together (group commit: the writer's `WorkerQueue`
/// hands its one worker everything queued). Results come back in order, through the
/// queue's eventfd, which the loop watches.
///
/// After a failed commit every batch still queued fails too — each was built on the state
/// the failed one would have left — until the loop has rebuilt its state and calls
/// `resume()`, which is queued behind them.
package final class StoreWriter: @unchecked Sendable {

    /// One batch's fate.
    package struct Completion: Sendable {
        package var sequence: UInt64
        /// nil when committed.
        package var error: StoreError?
    }

    /// What the writer thread is given, in order.
    private enum Job: @unchecked Sendable {
        case commit(UInt64, StoreBatch)
        /// The loop has rebuilt its state: batches queued after this commit again.
        case resume
    }

    /// What comes back: a batch's fate, or what a retention pass in it deleted.
    private enum Outcome: Sendable {
        case completion(Completion)
        case pruned(PruneResult)
    }

    private let store: Store
    private var queue: WorkerQueue<Job, Outcome>!
    /// What retention passes deleted, not yet taken by the loop (loop thread only).
    private var pruneResults: [PruneResult] = []
    /// The failure every batch gets until `resume()` (writer thread only).
    private var poison: StoreError?
    /// Pages in the WAL after the last commit (SQLite's WAL hook; writer thread only).
    fileprivate var walPages: Int32 = 0
    /// WAL pages (4 KiB) at which the writer checkpoints, between two commits.
    package let checkpointPages: Int32
    /// How many checkpoints the writer has done, and the WAL frames they copied in all
    /// (writer thread; read them after `stop()`).
    private(set) var checkpoints = 0
    private(set) var framesCheckpointed = 0

    /// The WAL size at which the writer checkpoints: 1,000 pages, 4 MiB (SQLite's own
    /// threshold). A checkpoint copies the WAL into the database and fsyncs it, and the next
    /// commit starts the WAL over; the commits after it wait for it, for a time that grows
    /// with the pages it copies, so checkpoints are kept small and frequent, between two
    /// commits (docs/performance.md has the figures, and the designs that lost).
    package static let defaultCheckpointPages: Int32 = 1_000

    /// Readable once a completion is ready.
    package var eventFD: Int32 { queue.eventFD }

    /// Opens a second connection to the store in `directory` and starts the thread.
    package init(directory: String, checkpointPages: Int32 = StoreWriter.defaultCheckpointPages) throws(StoreError) {
        store = try Store(directory: directory)
        self.checkpointPages = checkpointPages
        // Replaces SQLite's automatic checkpoint (itself a WAL hook) on this connection.
        sqlite3_wal_hook(store.db.handle, { context, _, _, pages in
            Unmanaged<StoreWriter>.fromOpaque(context!).takeUnretainedValue().walPages = pages
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
        queue = WorkerQueue(threads: 1, share: { $0 }) { [unowned self] jobs, publish in work(jobs, publish) }
    }

    /// Queues a batch for commit.
    package func submit(_ batch: StoreBatch, sequence: UInt64) { queue.submit(.commit(sequence, batch)) }

    /// The results so far, oldest first (also clears the eventfd).
    package func takeCompletions() -> [Completion] { completions(in: queue.takeResults()) }

    /// What the retention passes committed since the last call deleted.
    package func takePruneResults() -> [PruneResult] {
        defer { pruneResults.removeAll() }
        return pruneResults
    }

    /// Blocks until at least one result is ready, and takes the results then ready.
    package func waitForCompletions() -> [Completion] { completions(in: queue.waitForResults()) }

    /// Commits again after a failure (the loop has rebuilt its state from the store).
    package func resume() { queue.submit(.resume) }

    /// Commits what is queued, then stops the thread.
    package func stop() { queue.stop() }

    private func completions(in outcomes: [Outcome]) -> [Completion] {
        var completions: [Completion] = []
        completions.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            switch outcome {
            case .completion(let completion): completions.append(completion)
            case .pruned(let result): pruneResults.append(result)
            }
        }
        return completions
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

    /// Commits the batches taken since a `resume` together, in one transaction.
    private func work(_ jobs: [Job], _ publish: WorkerQueue<Job, Outcome>.Publish) {
        var start = 0
        while start < jobs.count {
            if case .resume = jobs[start] {
                poison = nil
                start += 1
                continue
            }
            var end = start
            var sequences: [UInt64] = []
            while end < jobs.count, case .commit(let sequence, _) = jobs[end] {
                sequences.append(sequence)
                end += 1
            }
            let failure = poison ?? commit(jobs[start..<end])
            var outcomes: [Outcome] = []
            if failure == nil, let pruned = store.lastPrune {
                outcomes.append(.pruned(pruned))
                if pruned.more { try? store.giveBackFreePages(256) }
            }
            store.lastPrune = nil
            if let failure { poison = failure }
            for sequence in sequences { outcomes.append(.completion(Completion(sequence: sequence, error: failure))) }
            publish(outcomes)
            // After the results are out: the batches just committed do not wait for it.
            if failure == nil { checkpointIfDue() }
            start = end
        }
    }

    /// Commits batches in one transaction; the failure, or nil.
    private func commit(_ jobs: ArraySlice<Job>) -> StoreError? {
        do {
            try store.begin()
            for case .commit(_, let batch) in jobs { try store.apply(batch) }
            try store.commit()
            // A commit into a removed or replaced file is not stored: it is not
            // acknowledged, and the loop stops (`Daemon.checkStoreFile`).
            if let problem = store.fileProblem() { return StoreError(store.path, "commit to", problem, code: SQLITE_IOERR) }
            return nil
        } catch {
            store.rollback()
            return error
        }
    }
}
