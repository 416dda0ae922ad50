#if canImport(Glibc)
    import Glibc
#endif

/// Notices when the store's database file is no longer the one tocsind opened: removed
/// (`rm -r` of the state directory) or replaced (a restore moved into place). SQLite goes
/// on writing to the file it has open, so every commit after that would be acknowledged
/// and gone with the file; the daemon checks once a second and stops.
struct StoreFileWatch {
    let path: String
    private let device: UInt64
    private let inode: UInt64

    /// Remembers the file now at `path` (nil if there is none to watch).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.path = path
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// Why the file at `path` is not the one opened, or nil while it is (or while it cannot
    /// be looked at for another reason than being gone).
    func problem() -> String? {
        var info = stat()
        if stat(path, &info) != 0 {
            let error = errno
            return error == ENOENT || error == ENOTDIR ? "\(path) was removed" : nil
        }
        if UInt64(info.st_dev) != device || UInt64(info.st_ino) != inode { return "\(path) was replaced by another file" }
        return nil
    }
}
