import CSystemd
import CTocsinShims
import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// The sd_notify protocol (READY, RELOADING, STOPPING, STATUS, WATCHDOG) and sd_listen_fds(3)
/// for the sockets systemd passes. Harmless when not run by systemd.
///
/// The datagrams are sent by tocsind itself, on one non-blocking socket, never through
/// libsystemd's `sd_notify`, which blocks the caller while the notify socket's reader does
/// not read: the event loop must never wait on it. A `STATUS=` line that cannot be sent at
/// once is dropped (the next one says the same, newer); `READY=1`, `RELOADING=1`,
/// `STOPPING=1` and `WATCHDOG=1` wait for room at most `importantWaitMilliseconds`.
public final class SystemdNotifier: @unchecked Sendable {
    /// The watchdog interval systemd asked for (WatchdogSec), if any.
    public let watchdogMilliseconds: Int64?
    /// How long a state change may wait for room on a full notify socket.
    static let importantWaitMilliseconds: Int32 = 1000

    private let fd: Int32
    private var address = sockaddr_un()
    private var addressLength: socklen_t = 0
    /// Messages that could not be sent (dropped status lines, timed-out state changes).
    public private(set) var dropped = 0

    /// Reads NOTIFY_SOCKET and WATCHDOG_USEC from the environment.
    public convenience init() {
        var usec: UInt64 = 0
        let watchdog = sd_watchdog_enabled(0, &usec) > 0 ? Int64(usec / 1000) : nil
        self.init(socketPath: getenv("NOTIFY_SOCKET").map { String(cString: $0) }, watchdogMilliseconds: watchdog)
    }

    /// Notifies the socket at `socketPath` (a path, or `@name` for an abstract socket); nil
    /// or an unusable address: notifications go nowhere.
    public init(socketPath: String?, watchdogMilliseconds: Int64? = nil) {
        self.watchdogMilliseconds = watchdogMilliseconds
        var bytes = Array((socketPath ?? "").utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard let first = bytes.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@"), bytes.count < capacity else {
            fd = -1
            return
        }
        if first == UInt8(ascii: "@") { bytes[0] = 0 }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        addressLength = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (first == UInt8(ascii: "/") ? 1 : 0))
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Sends a notification (several lines allowed); returns whether it was sent.
    @discardableResult
    public func notify(_ state: String, important: Bool = true) -> Bool {
        guard fd >= 0 else { return false }
        var deadline: Int64?
        while true {
            let rc = state.withCString { text in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, text, strlen(text), Int32(MSG_NOSIGNAL | MSG_DONTWAIT), $0, addressLength)
                    }
                }
            }
            if rc >= 0 { return true }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK, important else { break }
            let now = WallClock.monotonicMilliseconds()
            let end = deadline ?? now + Int64(Self.importantWaitMilliseconds)
            deadline = end
            guard now < end else { break }
            // A full queue has no POLLOUT for a datagram peer; wait in small steps.
            usleep(10_000)
        }
        dropped += 1
        return false
    }

    /// READY=1 with a status line.
    public func ready(status: String) { notify("READY=1\nSTATUS=" + status) }
    /// RELOADING=1 with MONOTONIC_USEC (required by Type=notify-reload, harmless otherwise).
    public func reloading() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        notify("RELOADING=1\nMONOTONIC_USEC=\(Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)")
    }
    /// STOPPING=1.
    public func stopping() { notify("STOPPING=1") }
    /// WATCHDOG=1.
    public func watchdog() { notify("WATCHDOG=1") }
    /// STATUS=…, dropped when it cannot go at once.
    public func status(_ text: String) { notify("STATUS=" + text, important: false) }

    /// The listening sockets passed by systemd (fd 3…), close-on-exec set.
    public static func listenFDs() -> [Int32] {
        let count = sd_listen_fds(1)
        guard count > 0 else { return [] }
        return (0..<count).map { SD_LISTEN_FDS_START + $0 }
    }
}
