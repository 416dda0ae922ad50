import CTocsinShims
import TocsinCore
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// The spool directory (SPEC §4): writers create files in `tmp/` and rename them into
/// `new/`. inotify reports each arrival at once; a periodic rescan is the safety net (and
/// picks up files left by a crash at start). Bad files go whole to `failed/` with a
/// `NAME.error` beside them.
final class SpoolWatcher {

    let root: String
    let folders: SpoolFolders
    let inotifyFD: Int32
    private var watch: Int32 = -1
    /// Names waiting to be processed (a set, so a name is queued once).
    private var pending = Set<String>()
    private var ordered: [String] = []
    /// Names taken and not yet deleted, failed or put back: a rescan must not queue them
    /// again while their round waits for its commit (or their file for its deletion).
    private var taken = Set<String>()
    /// Files whose last line has no newline yet, and when they were first seen so
    /// (monotonic ms): they wait for the rest, up to the grace period.
    private var incompleteSince: [String: Int64] = [:]
    private let remover: SpoolRemover
    /// Files the remover deleted, not yet handed to `takeDeleted`.
    private var deleted: [String] = []

    /// A spool file read whole, with a digest of its content for "never applied twice".
    struct File {
        var name: String
        var bytes: [UInt8]
        var digest: Int64
    }

    /// What reading a file of `new/` found.
    enum Read {
        /// The whole file.
        case file(File)
        /// It cannot be a spool file (not a regular file, too large): it goes to `failed/`.
        case bad(SpoolRejection)
        /// A passing failure (out of descriptors or memory, an I/O error): it stays in
        /// `new/` and is tried again at the next rescan.
        case retryLater(String)
        /// Gone already (handled by an earlier round or removed by its writer).
        case gone
    }

    init(root: String, loop: EventLoop) throws(SystemError) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
        folders = try SpoolFolders(root: self.root)
        remover = SpoolRemover()
        inotifyFD = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotifyFD >= 0 else { throw SystemError("cannot watch the spool with inotify", path: self.root + "/new") }
        try watchNew()
        loop.add(inotifyFD, token: LoopToken.spool)
    }

    /// Watches the `new/` folder open (through its descriptor, never its path).
    private func watchNew() throws(SystemError) {
        if watch >= 0 { inotify_rm_watch(inotifyFD, watch) }
        watch = inotify_add_watch(inotifyFD, "/proc/self/fd/\(folders.newFD)", UInt32(IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR))
        guard watch >= 0 else { throw SystemError("cannot watch", path: root + "/new") }
    }

    var hasPending: Bool { !ordered.isEmpty }

    /// Reads inotify events and queues the names that arrived.
    func drainNotifications() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(inotifyFD, $0.baseAddress, $0.count) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                break
            }
            var offset = 0
            while offset + 16 <= n {
                let mask = buffer.withUnsafeBytes { $0.load(fromByteOffset: offset + 4, as: UInt32.self) }
                let length = Int(buffer.withUnsafeBytes { $0.load(fromByteOffset: offset + 12, as: UInt32.self) })
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { rescan() }
                if length > 0 {
                    let nameBytes = buffer[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }
                    enqueue(String(decoding: nameBytes, as: UTF8.self))
                }
                offset += 16 + length
            }
        }
    }

    /// Checks the folders (re-opening one that was replaced), lists `new/` and queues every
    /// file not yet queued. Returns what the operator should be told about the folders.
    @discardableResult
    func rescan() -> [String] {
        forgetRemoved()
        var (problems, reopened) = folders.verify()
        if reopened {
            do {
                try watchNew()
            } catch {
                problems.append("\(error); new files are found by the periodic rescan only")
            }
        }
        guard let names = try? FileIO.list(descriptor: folders.newFD) else { return problems }
        for name in names { enqueue(name) }
        return problems
    }

    private func enqueue(_ name: String) {
        guard !name.hasPrefix("."), !taken.contains(name), pending.insert(name).inserted else { return }
        ordered.append(name)
    }

    /// Takes up to `limit` queued names, oldest first.
    func take(_ limit: Int) -> [String] {
        forgetRemoved()
        let batch = Array(ordered.prefix(limit))
        ordered.removeFirst(batch.count)
        for name in batch {
            pending.remove(name)
            taken.insert(name)
        }
        return batch
    }

    /// Lets go of a taken name whose file was gone when read, or that waits for a rescan.
    func release(_ name: String) { taken.remove(name) }

    /// Puts names back at the front (their batch could not be committed).
    func putBack(_ names: [String]) {
        for name in names { taken.remove(name) }
        let fresh = names.filter { pending.insert($0).inserted }
        ordered.insert(contentsOf: fresh, at: 0)
    }

    /// A taken file whose last line has no newline: how long it has waited (ms), and it is
    /// let go until the writer closes it or the next rescan.
    func waitForRest(_ name: String, now: Int64) -> Int64 {
        taken.remove(name)
        let since = incompleteSince[name] ?? now
        incompleteSince[name] = since
        return now - since
    }

    /// Queues again the files that wait for the rest of their last line (once a second).
    func requeueIncomplete() {
        for name in incompleteSince.keys { enqueue(name) }
    }

    /// Reads a file of `new/` (relative to the folder's descriptor, never following a link).
    func read(_ name: String) -> Read {
        let fd = openat(folders.newFD, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if fd < 0 {
            switch errno {
            case ENOENT: return .gone
            case ELOOP: return .bad(SpoolRejection(message: "it is a symbolic link, not a file"))
            case EMFILE, ENFILE, ENOMEM, EIO, EINTR, EAGAIN:
                return .retryLater("cannot open \(folders.newPath(name)): \(String(cString: strerror(errno)))")
            default: return .bad(SpoolRejection(message: "cannot open: " + String(cString: strerror(errno))))
            }
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .retryLater("cannot stat \(folders.newPath(name)): \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .bad(SpoolRejection(message: "not a regular file")) }
        guard st.st_size <= 64 * 1024 * 1024 else {
            return .bad(SpoolRejection(message: "file is \(st.st_size) bytes; a spool file holds at most 64 MiB"))
        }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .retryLater("cannot read \(folders.newPath(name)): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            got += n
        }
        bytes.removeLast(bytes.count - got)
        return .file(File(name: name, bytes: bytes, digest: Int64(bitPattern: FNV1a.hash(bytes))))
    }

    /// Deletes an applied file (after its events are committed), on the remover's thread;
    /// its name stays taken until it is gone.
    func remove(_ name: String) {
        incompleteSince[name] = nil
        remover.remove(name, in: folders.newFD)
    }

    private func forgetRemoved() {
        for name in remover.takeRemoved() {
            taken.remove(name)
            deleted.append(name)
        }
    }

    /// Applied files deleted since the last call: their records in the store can go.
    func takeDeleted() -> [String] {
        forgetRemoved()
        defer { deleted.removeAll(keepingCapacity: true) }
        return deleted
    }

    /// The names in `new/` now (at start: the records of files not there can go).
    func presentNames() -> Set<String> { Set((try? FileIO.list(descriptor: folders.newFD)) ?? []) }

    /// Deletes the files handed over for deletion, and stops the remover's thread.
    func finishRemovals() {
        remover.stop()
        forgetRemoved()
    }

    /// Moves a bad file whole to `failed/` under a name of its own there, with
    /// `NAME.error` beside it; returns that name, or why it stays in `new/`.
    func fail(_ name: String, reason: String) -> Result<String, SystemError> {
        taken.remove(name)
        incompleteSince[name] = nil
        return folders.moveToFailed(name, from: folders.newFD, reason: TerminalText.safe(reason))
    }
}

/// Why a spool file was refused whole.
struct SpoolRejection: Error {
    var message: String
}
