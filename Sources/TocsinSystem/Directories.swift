#if canImport(Glibc)
    import Glibc
#endif

/// Directory helpers.
public enum Directories {
    /// Creates `path` and its parents (like mkdir -p) with exactly `mode` (not narrowed by
    /// the service's umask; a set-group-ID parent still passes its bit on) for the ones
    /// created.
    public static func create(_ path: String, mode: mode_t) throws(SystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        let saved = umask(0)
        defer { umask(saved) }
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw SystemError("cannot create directory", path: current)
            }
        }
        guard FileIO.isDirectory(path) else { throw SystemError("not a directory:", path: path, code: ENOTDIR) }
    }
}
