import TocsinCore

#if canImport(Glibc)
    import Glibc
#endif

/// The real clocks: wall-clock time for deadlines, monotonic time for sleeping.
public enum WallClock {
    /// The current wall-clock instant.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    /// Monotonic milliseconds (for measuring and sleeping, never for deadlines).
    public static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
