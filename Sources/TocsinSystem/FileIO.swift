#if canImport(Glibc)
    import Glibc
#endif

/// Small, strongly typed file helpers over POSIX calls, with errors that name the path.
public enum FileIO {
    /// The whole file as bytes.
    public static func read(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("cannot open", path: path) }
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    /// A regular file's bytes, at most `limit` of them. Opened without blocking, so a FIFO or
    /// a device in its place is refused at once instead of hanging the reader.
    public static func readRegularFile(_ path: String, limit: Int) throws(SystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw SystemError("cannot open", path: path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SystemError("cannot read", path: path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            let kind: String
            switch st.st_mode & S_IFMT {
            case S_IFIFO: kind = "a FIFO"
            case S_IFDIR: kind = "a directory"
            case S_IFCHR, S_IFBLK: kind = "a device"
            case S_IFSOCK: kind = "a socket"
            default: kind = "not a regular file"
            }
            throw SystemError("refusing to read \(kind) as a file:", path: path, code: 0)
        }
        guard st.st_size <= limit else {
            throw SystemError("the file is \(st.st_size) bytes, more than the \(limit) allowed:", path: path, code: 0)
        }
        return try readAll(fd, path: path, limit: limit)
    }

    /// Standard input to its end (at most `limit` bytes).
    public static func readStandardInput(limit: Int) throws(SystemError) -> [UInt8] {
        try readAll(0, path: "standard input", limit: limit)
    }

    /// Reads `fd` to its end (at most `limit` bytes).
    private static func readAll(_ fd: Int32, path: String, limit: Int = .max) throws(SystemError) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while result.count < limit {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, limit - result.count)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("cannot read", path: path)
            }
            if n == 0 { break }
            result.append(contentsOf: buffer[0..<n])
        }
        return result
    }

    /// The file as UTF-8 text (invalid bytes replaced).
    public static func readText(_ path: String) throws(SystemError) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    /// The names in a directory (not `.` or `..`), sorted by byte order.
    public static func list(_ path: String) throws(SystemError) -> [String] {
        guard let dir = opendir(path) else { throw SystemError("cannot read directory", path: path) }
        defer { closedir(dir) }
        return names(in: dir)
    }

    /// The names in the directory open as `descriptor` (which stays open), sorted bytewise.
    public static func list(descriptor: Int32) throws(SystemError) -> [String] {
        let copy = dup(descriptor)
        guard copy >= 0, let dir = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            throw SystemError("cannot read directory", path: "/proc/self/fd/\(descriptor)")
        }
        defer { closedir(dir) }
        rewinddir(dir)
        return names(in: dir)
    }

    private static func names(in dir: OpaquePointer) -> [String] {
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Writes all of `bytes` to `fd` (retrying short writes and EINTR); false with `errno`
    /// set when a write fails.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Whether `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Replaces `path` with `bytes` atomically: a temporary file beside it (mode `mode`,
    /// fsync'd with `durable`), renamed over it, so a reader never sees half a file. The
    /// error names what was being written (`what`).
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t, durable: Bool, what: String) throws(SystemError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw SystemError("cannot write \(what)", path: temporary) }
        fchmod(fd, mode)  // whatever the umask
        guard writeAll(fd, bytes), !durable || fsync(fd) == 0 else {
            let error = SystemError("cannot write \(what)", path: temporary)
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw SystemError("cannot move \(what) into place at", path: path) }
    }
}
