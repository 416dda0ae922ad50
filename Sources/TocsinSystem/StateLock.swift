#if canImport(Glibc)
    import Glibc
#endif

/// The state directory's lock: one tocsind per store, held for the life of the process.
///
/// `flock(LOCK_EX)` on `STATE/tocsind.lock`, which holds the holder's PID. The kernel drops
/// the lock when the process dies however it dies (kill -9 included), so a stale lock file
/// never blocks a restart; the descriptor is close-on-exec, so a sendmail or exec program
/// that outlives tocsind does not keep it.
package final class StateLock {
    /// The lock file's name in the state directory.
    package static let fileName = "tocsind.lock"

    private let fd: Int32

    /// Takes the lock, or throws naming the PID of the tocsind that holds it.
    package init(directory: String) throws(SystemError) {
        let path = directory + "/" + Self.fileName
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o640)
        guard fd >= 0 else { throw SystemError("cannot open the state lock", path: path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let holder = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: " \n") : ""
            guard code == EWOULDBLOCK else { throw SystemError("cannot lock", path: path, code: code) }
            throw SystemError(
                "another tocsind\(holder.isEmpty ? "" : " (pid \(holder))") is running on the state directory \(directory) and holds",
                path: path, code: 0)
        }
        let text = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
    }

    deinit { close(fd) }
}

extension String {
    /// The string without the given characters at either end.
    fileprivate func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self)
        while let first = view.unicodeScalars.first, scalars.contains(first) { view = view.dropFirst() }
        while let last = view.unicodeScalars.last, scalars.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
