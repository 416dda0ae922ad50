import CSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// sd_notify(3) and sd_listen_fds(3): READY, RELOADING, STOPPING, STATUS, WATCHDOG, and the
/// sockets systemd passes. Harmless when not run by systemd.
public struct SystemdNotifier: Sendable {
    /// The watchdog interval systemd asked for (WatchdogSec), if any.
    public let watchdogMilliseconds: Int64?

    /// Reads WATCHDOG_USEC from the environment.
    public init() {
        var usec: UInt64 = 0
        watchdogMilliseconds = sd_watchdog_enabled(0, &usec) > 0 ? Int64(usec / 1000) : nil
    }

    /// Sends a notification (`READY=1`, `STATUS=…`, several lines allowed).
    public func notify(_ state: String) { _ = sd_notify(0, state) }

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
    /// STATUS=…
    public func status(_ text: String) { notify("STATUS=" + text) }

    /// The listening sockets passed by systemd (fd 3…), close-on-exec set.
    public static func listenFDs() -> [Int32] {
        let count = sd_listen_fds(1)
        guard count > 0 else { return [] }
        return (0..<count).map { SD_LISTEN_FDS_START + $0 }
    }
}
