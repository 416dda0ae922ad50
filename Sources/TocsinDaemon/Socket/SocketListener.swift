import CTocsinShims
import TocsinSystem
import TocsinStore
import TocsinClient
#if canImport(Glibc)
    import Glibc
#endif

/// Creating the events socket: bind a Unix stream socket at a path (replacing a stale one),
/// or adopt the one systemd passed.
enum SocketListener {
    /// Binds and listens at `path` with the given mode; the parent directory is created.
    static func bind(path: String, mode: mode_t = 0o660) throws(SystemError) -> Int32 {
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty { try Directories.create(parent, mode: 0o755) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemError("socket path is too long", path: path, code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("cannot create a socket for", path: path) }
        var st = stat()
        if lstat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFSOCK else {
                close(fd)
                throw SystemError("refusing to replace a non-socket at", path: path, code: EEXIST)
            }
            if someoneListens(at: address) {
                close(fd)
                throw SystemError(
                    "another process (another tocsind?) is listening on the events socket; not replacing", path: path, code: 0)
            }
            unlink(path)
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let error = SystemError("cannot bind the events socket at", path: path)
            close(fd)
            throw error
        }
        chmod(path, mode)
        guard lstat(path, &st) == 0 else {
            close(fd)
            throw SystemError("cannot find the socket just bound at", path: path)
        }
        boundInode = UInt64(st.st_ino)
        guard listen(fd, 512) == 0 else {
            let error = SystemError("cannot listen on", path: path)
            close(fd)
            throw error
        }
        return fd
    }

    /// The inode of the socket file this process bound, if it bound one.
    nonisolated(unsafe) private static var boundInode: UInt64?

    /// Removes the socket file at `path` if it is the one this process bound (never one
    /// another process bound since).
    static func unlinkIfOurs(path: String) {
        var st = stat()
        guard let inode = boundInode, lstat(path, &st) == 0, UInt64(st.st_ino) == inode else { return }
        unlink(path)
    }

    /// Whether a process accepts connections on the socket file at `address`: a stale file
    /// refuses them (ECONNREFUSED); a listener's full backlog still means someone listens.
    private static func someoneListens(at address: sockaddr_un) -> Bool {
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { close(probe) }
        var target = address
        let rc = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc == 0 || errno == EAGAIN || errno == EINPROGRESS
    }
}

