import CTocsinShims

#if canImport(Glibc)
    import Glibc
#endif

/// The spool directory (SPEC §4): writers create files in `tmp/` and rename them into
/// `new/`. inotify reports each arrival at once; a periodic rescan is the safety net (and
/// picks up files left by a crash at start). Bad files go whole to `failed/` with a
/// `NAME.error` beside them.
final class SpoolWatcher {
    static let token: UInt64 = 2

    let root: String
    let newDirectory: String
    let failedDirectory: String
    let inotifyFD: Int32
    /// Names waiting to be processed (a set, so a name is queued once).
    private var pending = Set<String>()
    private var ordered: [String] = []
    /// Names taken and not yet deleted, failed or put back: a rescan must not queue them
    /// again while their round waits for its commit (or their file for its deletion).
    private var taken = Set<String>()
    private let remover: SpoolRemover

    /// A spool file read whole, with a digest of its content for "never applied twice".
    struct File {
        var name: String
        var bytes: [UInt8]
        var digest: Int64
    }

    init(root: String, loop: EventLoop) throws(SystemError) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
        newDirectory = self.root + "/new"
        failedDirectory = self.root + "/failed"
        remover = SpoolRemover(directory: newDirectory)
        for sub in ["tmp", "new", "failed"] { try Directories.create(self.root + "/" + sub, mode: 0o770) }
        inotifyFD = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotifyFD >= 0 else { throw SystemError("cannot watch the spool with inotify", path: newDirectory) }
        guard inotify_add_watch(inotifyFD, newDirectory, UInt32(IN_MOVED_TO | IN_CLOSE_WRITE)) >= 0 else {
            throw SystemError("cannot watch", path: newDirectory)
        }
        loop.add(inotifyFD, token: SpoolWatcher.token)
    }

    var hasPending: Bool { !ordered.isEmpty }
    var pendingCount: Int { ordered.count }

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

    /// Lists `new/` and queues every file not yet queued.
    func rescan() {
        forgetRemoved()
        guard let names = try? FileIO.list(newDirectory) else { return }
        for name in names { enqueue(name) }
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

    /// Lets go of a taken name whose file was gone when read.
    func release(_ name: String) { taken.remove(name) }

    /// Puts names back at the front (their batch could not be committed).
    func putBack(_ names: [String]) {
        for name in names { taken.remove(name) }
        let fresh = names.filter { pending.insert($0).inserted }
        ordered.insert(contentsOf: fresh, at: 0)
    }

    /// Reads a file of `new/`. nil when it is gone (already handled); an error string when
    /// it cannot be a spool file (not a regular file, too large, unreadable).
    func read(_ name: String) -> Result<File, SpoolRejection>? {
        let path = newDirectory + "/" + name
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if fd < 0 {
            if errno == ENOENT { return nil }
            return .failure(SpoolRejection(message: "cannot open: " + String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return .failure(SpoolRejection(message: "not a regular file"))
        }
        guard st.st_size <= 64 * 1024 * 1024 else {
            return .failure(SpoolRejection(message: "file is \(st.st_size) bytes; a spool file holds at most 64 MiB"))
        }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        bytes.removeLast(bytes.count - got)
        return .success(File(name: name, bytes: bytes, digest: SpoolWatcher.fnv1a(bytes)))
    }

    /// Deletes an applied file (after its events are committed), on the remover's thread;
    /// its name stays taken until it is gone.
    func remove(_ name: String) { remover.remove(name) }

    private func forgetRemoved() {
        for name in remover.takeRemoved() { taken.remove(name) }
    }

    /// Deletes the files handed over for deletion, and stops the remover's thread.
    func finishRemovals() {
        remover.stop()
        forgetRemoved()
    }

    /// Moves a bad file whole to `failed/`, with `NAME.error` saying which line and why.
    /// The note is written first, so a crash never leaves a failed file unexplained.
    func fail(_ name: String, reason: String) {
        let note = failedDirectory + "/" + name + ".error"
        let tmp = failedDirectory + "/." + name + ".error.tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        if fd >= 0 {
            fchmod(fd, 0o640)  // readable by the operators' group, whatever the umask
            var text = reason + "\n"
            text.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
            rename(tmp, note)
        }
        rename(newDirectory + "/" + name, failedDirectory + "/" + name)
        taken.remove(name)
    }

    static func fnv1a(_ bytes: [UInt8]) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}

/// Why a spool file was refused whole.
struct SpoolRejection: Error {
    var message: String
}
