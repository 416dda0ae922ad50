import CSQLite
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The store's files on disk: `tocsin.db`, and the `-wal` and `-shm` files SQLite keeps
/// beside it while it is open.
///
/// What holds:
/// - A file at the store's path is always a complete Tocsin store. A new store is made
///   under a temporary name and renamed into place, so a crash while making it leaves no
///   half-made file; a file that is empty or not a Tocsin store is refused, never
///   replaced (it may be an operator's restore gone wrong, or the only copy).
/// - While tocsind runs, the three files are the ones it opened. SQLite goes on writing to
///   files it has open after they are removed or replaced, so every commit from then on
///   would be acknowledged and lost: `problem()` says when that has happened.
package struct StoreFiles {
    /// Tocsin's SQLite `application_id` ("Tocs"), written into every store it creates.
    package static let applicationID: Int32 = 0x546F_6373

    package let path: String
    private var companions: [(path: String, device: UInt64, inode: UInt64)] = []

    package init(path: String) { self.path = path }

    /// Makes a new, empty store at `path` when no file is there (by rename, so the path never
    /// holds a half-made file); refuses an empty file.
    package static func prepare(_ path: String) throws(StoreError) {
        var st = stat()
        if lstat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                throw StoreError(path, "open", "it is not a regular file; tocsind makes a new store only where no file exists", code: SQLITE_CANTOPEN)
            }
            guard st.st_size > 0 else {
                throw StoreError(
                    path, "open",
                    "the file is empty (0 bytes), so it is not a Tocsin store; tocsind makes a new store only where no file exists: restore the store from a backup, or move the empty file away to start with a new, empty store",
                    code: SQLITE_NOTADB)
            }
            return
        }
        guard errno == ENOENT else { throw StoreError(path, "open", String(cString: strerror(errno)), code: SQLITE_CANTOPEN) }
        let temporary = path + ".new"
        unlink(temporary)
        unlink(temporary + "-journal")
        do {
            let db = try SQLiteDatabase(path: temporary, readOnly: false)
            // Before any table: free pages can then be given back (`Store.giveBackFreePages`).
            try db.execute("PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=DELETE; PRAGMA application_id=\(applicationID)", "create the store")
        }
        chmod(temporary, Store.fileMode)
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        guard rename(temporary, path) == 0 else {
            throw StoreError(path, "create", "cannot rename \(temporary) into place: \(String(cString: strerror(errno)))", code: SQLITE_CANTOPEN)
        }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// Refuses an SQLite database that is not a Tocsin store (another program's, or one
    /// that never had Tocsin's schema).
    package static func validate(_ db: SQLiteDatabase) throws(StoreError) {
        let application = try db.scalar("PRAGMA application_id") ?? 0
        let version = try db.scalar("PRAGMA user_version") ?? 0
        guard application == Int64(applicationID) || version > 0 else {
            throw StoreError(
                db.path, "open",
                "it is an SQLite database but not a Tocsin store (no Tocsin schema in it); tocsind makes a new store only where no file exists",
                code: SQLITE_NOTADB)
        }
    }

    /// Notes which `-wal` and `-shm` files are open now (after the first write made them).
    package mutating func recordCompanions() {
        companions = []
        for suffix in ["-wal", "-shm"] {
            var st = stat()
            if lstat(path + suffix, &st) == 0 {
                companions.append((path + suffix, UInt64(st.st_dev), UInt64(st.st_ino)))
            }
        }
    }

    /// Why one of the store's files is no longer the one open, or nil while all are.
    package func problem(_ db: SQLiteDatabase) -> String? {
        var moved: Int32 = 0
        if sqlite3_file_control(db.handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK, moved != 0 {
            return access(path, F_OK) == 0 ? "file \(path) was replaced by another file" : "file \(path) was removed"
        }
        for companion in companions {
            var st = stat()
            guard lstat(companion.path, &st) == 0 else { return "file \(companion.path) was removed" }
            if UInt64(st.st_dev) != companion.device || UInt64(st.st_ino) != companion.inode {
                return "file \(companion.path) was replaced by another file"
            }
        }
        return nil
    }
}
