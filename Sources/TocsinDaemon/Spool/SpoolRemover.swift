import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Deletes applied spool files on threads of their own. On a filesystem mounted with
/// `discard` an `unlink` waits for the device (a millisecond or more a file), which on the
/// event loop would cap spool intake; here it overlaps the next rounds, and two threads
/// overlap each other's waits (each takes half of what is queued, at most 64). Files are
/// handed over only after their round's commit, so a deletion still means the events are
/// stored; a file a crash leaves behind is recognized by its recorded digest and only deleted.
final class SpoolRemover: Sendable {
    /// A file of the folder open as `folder`.
    struct Removal: Sendable {
        var folder: Int32
        var name: String
    }

    private let queue: WorkerQueue<Removal, String>

    /// Starts `threads` threads deleting files.
    init(threads count: Int = 2) {
        queue = WorkerQueue(threads: count, share: { max(1, min(64, $0 / 2)) }) { removals in
            for removal in removals { unlinkat(removal.folder, removal.name, 0) }
            return removals.map(\.name)
        }
    }

    /// Queues a file of the folder open as `folder` for deletion.
    func remove(_ name: String, in folder: Int32) { queue.submit(Removal(folder: folder, name: name)) }

    /// The names deleted since the last call.
    func takeRemoved() -> [String] { queue.takeResults() }

    /// Deletes what is queued, then stops the threads.
    func stop() { queue.stop() }
}
