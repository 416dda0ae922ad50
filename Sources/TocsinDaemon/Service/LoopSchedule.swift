/// A job the event loop runs every `interval` milliseconds of the monotonic clock.
struct Every {
    let interval: Int64
    /// When the job is next due (monotonic ms).
    private(set) var next: Int64

    /// A job first due at `first` (at once by default).
    init(_ interval: Int64, first: Int64 = 0) {
        self.interval = interval
        next = first
    }

    /// Whether the job is due at `mono`; when it is, the next time is `interval` later.
    mutating func due(_ mono: Int64) -> Bool {
        guard isDue(mono) else { return false }
        ran(at: mono)
        return true
    }

    /// Whether the job is due at `mono` (nothing changes).
    func isDue(_ mono: Int64) -> Bool { mono >= next }

    /// The job ran at `mono`: it is next due `interval` later.
    mutating func ran(at mono: Int64) { next = mono + interval }

    /// The job is due at once (the next look at the clock).
    mutating func dueNow() { next = 0 }

    /// Milliseconds from `mono` until the job is due (0 when it is).
    func wait(from mono: Int64) -> Int64 { max(0, next - mono) }
}

/// The loop's periodic jobs beside the rounds, and when each is next due. What holds:
/// none runs more often than its interval, and `timeout` never sleeps past the one the
/// loop must wake for (the spool rescan and the watchdog).
struct LoopSchedule {
    /// Listing the spool again (`--rescan-interval`), for files inotify missed.
    var rescan: Every
    /// Spool files cut short: looked at again once a second.
    var incompleteCheck = Every(1_000)
    /// Closing socket clients idle past `--idle-timeout`.
    var idleSweep = Every(5_000)
    /// Whether the store's files are still the ones opened (`Daemon.checkStoreFile`).
    var storeCheck = Every(1_000)
    /// Rewriting `--metrics-file`.
    var metrics: Every
    /// `WATCHDOG=1`, twice per `WatchdogSec` (nil: no watchdog).
    var watchdog: Every?
    /// `STATUS=`: at most once a second, and only when it changed.
    var status = Every(1_000)
    /// The status line last sent.
    var lastStatus = ""

    init(rescanInterval: Int64, metricsInterval: Int64, watchdogInterval: Int64?) {
        rescan = Every(rescanInterval)
        metrics = Every(metricsInterval)
        watchdog = watchdogInterval.map { Every(max($0 / 2, 100)) }
    }

    /// The longest the loop may sleep at `mono` for these jobs' sake, at most `limit`.
    func timeout(from mono: Int64, limit: Int64) -> Int64 {
        var wake = min(limit, rescan.wait(from: mono))
        if let watchdog { wake = min(wake, watchdog.wait(from: mono)) }
        return wake
    }
}
