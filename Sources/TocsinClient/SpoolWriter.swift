import TocsinCore
import TocsinSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Writing an event into the spool as a Maildir writer does: `tmp/NAME`, fsync, rename
/// into `new/NAME`.
public enum SpoolWriter {
    /// Writes the lines as one spool file; returns its path in `new/`.
    public static func write(lines: [String], spool: String) throws(SystemError) -> String {
        let now = WallClock.now()
        let name = "\(now.seconds).\(now.milliseconds % 1000)P\(getpid())R\(UInt32.random(in: 0...UInt32.max)).tocsinctl"
        let tmp = spool + "/tmp/" + name
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SystemError("cannot create", path: tmp) }
        guard FileIO.writeAll(fd, Array((lines.joined(separator: "\n") + "\n").utf8)), fsync(fd) == 0 else {
            let error = SystemError("cannot write", path: tmp)
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        let target = spool + "/new/" + name
        guard rename(tmp, target) == 0 else { throw SystemError("cannot move the event into", path: target) }
        return target
    }
}
