import CTocsinShims
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// The spool's folders, opened once by descriptor: every file operation is relative to them
/// (`openat`, `renameat2`, `unlinkat`), never through a path a spool writer could change.
///
/// What holds:
/// - `new/` and `failed/` are real directories: a symlink in their place is refused at
///   start (a member of the spool's group could otherwise point `new` at the state
///   directory and have tocsind move its own database into `failed/`).
/// - The spool root is sticky (mode 1770/3770), so a member cannot rename or remove
///   folders it does not own; tocsind adds the bit when it owns the root and it is missing.
/// - A folder replaced while tocsind runs is noticed at the next rescan: a directory is
///   re-opened, a symlink refused (tocsind keeps the folder it had open) and logged.
/// - A file moved to `failed/` never replaces another: it gets a name of its own there.
final class SpoolFolders {
    let root: String
    private(set) var rootFD: Int32
    private(set) var newFD: Int32
    private(set) var failedFD: Int32
    /// What `rootIsSticky` found at start, for the start-up log.
    private(set) var stickyNote: String?

    init(root: String) throws(SystemError) {
        self.root = root
        try Directories.create(root, mode: 0o3770)
        rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw SystemError("cannot open the spool", path: root) }
        for sub in ["tmp", "new", "failed"] {
            let saved = umask(0)
            if mkdirat(rootFD, sub, 0o2770) != 0 && errno != EEXIST {
                umask(saved)
                throw SystemError("cannot create directory", path: root + "/" + sub)
            }
            umask(saved)
        }
        newFD = try Self.openFolder(rootFD, "new", root: root)
        failedFD = try Self.openFolder(rootFD, "failed", root: root)
        stickyNote = makeSticky()
    }

    deinit {
        close(newFD)
        close(failedFD)
        close(rootFD)
    }

    /// The path of a file of `new/`, for messages.
    func newPath(_ name: String) -> String { root + "/new/" + name }

    private static func openFolder(_ rootFD: Int32, _ name: String, root: String) throws(SystemError) -> Int32 {
        let fd = openat(rootFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP || code == ENOTDIR {
                throw SystemError("refusing the spool folder: it is a symlink or not a directory:", path: root + "/" + name, code: 0)
            }
            throw SystemError("cannot open the spool folder", path: root + "/" + name, code: code)
        }
        return fd
    }

    /// Adds the sticky bit to the spool root when tocsind owns it; a note when it is missing.
    private func makeSticky() -> String? {
        var st = stat()
        guard fstat(rootFD, &st) == 0, st.st_mode & S_ISVTX == 0 else { return nil }
        if st.st_uid == geteuid(), fchmod(rootFD, (st.st_mode & 0o7777) | S_ISVTX) == 0 {
            return "added the sticky bit to the spool \(root) (mode \(String((st.st_mode & 0o7777) | S_ISVTX, radix: 8))), so a writer cannot rename folders it does not own"
        }
        return "the spool \(root) is not sticky (mode \(String(st.st_mode & 0o7777, radix: 8))): a member of its group can rename new/ or failed/; make it 3770"
    }

    /// Checks that `new/` and `failed/` are still the folders open; re-opens one that was
    /// replaced by a directory. Returns what an operator should read (one line each), and
    /// whether `new/` was re-opened (its inotify watch must follow).
    func verify() -> (problems: [String], newReopened: Bool) {
        var problems: [String] = []
        var reopened = false
        for name in ["new", "failed"] {
            let fd = name == "new" ? newFD : failedFD
            var open = stat()
            var there = stat()
            guard fstat(fd, &open) == 0 else { continue }
            if fstatat(rootFD, name, &there, AT_SYMLINK_NOFOLLOW) == 0, there.st_dev == open.st_dev, there.st_ino == open.st_ino {
                continue
            }
            do {
                let fresh = try Self.openFolder(rootFD, name, root: root)
                // The old descriptor stays open: files taken from it are still removed from it.
                if name == "new" {
                    newFD = fresh
                    reopened = true
                } else {
                    failedFD = fresh
                }
                problems.append("the spool folder \(root)/\(name) was replaced while tocsind ran; opened the new one")
            } catch {
                problems.append("\(error); tocsind keeps using the folder it had open, and files put in the new \(name) are not seen")
            }
        }
        return (problems, reopened)
    }

    /// Moves `name` of `new/` (the folder `fromFD`) into `failed/` under a name of its own
    /// there, with `NAME.error` beside it holding `reason` (which begins with the original
    /// name, `bad.events: line 2: …`). The note
    /// is written first, so a crash never leaves a failed file unexplained. Returns the name
    /// it has in `failed/`, or why it could not be moved.
    func moveToFailed(_ name: String, from fromFD: Int32, reason: String) -> Result<String, SystemError> {
        var attempt = 1
        while attempt < 10_000 {
            let candidate = attempt == 1 ? name : "\(name)~\(attempt)"
            attempt += 1
            guard !candidate.hasSuffix(".error"), !exists(candidate), !exists(candidate + ".error") else { continue }
            let note = reason + "\n"  // it begins with the original name
            if let error = writeNote(candidate + ".error", note) { return .failure(error) }
            let rc = tocsin_rename_noreplace(fromFD, name, failedFD, candidate)
            if rc == -EEXIST {
                unlinkat(failedFD, candidate + ".error", 0)
                continue
            }
            guard rc == 0 else {
                unlinkat(failedFD, candidate + ".error", 0)
                return .failure(SystemError("cannot move to \(root)/failed/ the spool file", path: newPath(name), code: -rc))
            }
            return .success(candidate)
        }
        return .failure(SystemError("no free name in \(root)/failed/ for", path: newPath(name), code: EEXIST))
    }

    private func exists(_ name: String) -> Bool {
        var st = stat()
        return fstatat(failedFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0
    }

    private func writeNote(_ name: String, _ text: String) -> SystemError? {
        let temporary = "." + name + ".tmp"
        unlinkat(failedFD, temporary, 0)
        let fd = openat(failedFD, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return SystemError("cannot write the note", path: root + "/failed/" + temporary) }
        fchmod(fd, 0o640)  // readable by the operators' group, whatever the umask
        guard FileIO.writeAll(fd, Array(text.utf8)) else {
            let error = SystemError("cannot write the note", path: root + "/failed/" + temporary)
            close(fd)
            unlinkat(failedFD, temporary, 0)
            return error
        }
        fsync(fd)
        close(fd)
        let rc = tocsin_rename_noreplace(failedFD, temporary, failedFD, name)
        guard rc == 0 else {
            unlinkat(failedFD, temporary, 0)
            return SystemError("cannot put the note in place", path: root + "/failed/" + name, code: -rc)
        }
        return nil
    }
}
