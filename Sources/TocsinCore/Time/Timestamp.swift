/// A wall-clock instant: milliseconds since the Unix epoch (UTC).
///
/// Deadlines are kept as instants so they survive restarts; the daemon sleeps on the
/// monotonic clock and compares against this. Integer milliseconds keep arithmetic exact
/// and the engine deterministic.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// Creates an instant from milliseconds since the epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Creates an instant from whole seconds since the epoch.
    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    /// Whole seconds since the epoch (rounded down).
    public var seconds: Int64 { milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000 }

    /// Orders instants.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// The instant `duration` later.
    public static func + (lhs: Timestamp, rhs: RuleDuration) -> Timestamp {
        Timestamp(milliseconds: lhs.milliseconds + rhs.milliseconds)
    }

    /// The instant `duration` earlier.
    public static func - (lhs: Timestamp, rhs: RuleDuration) -> Timestamp {
        Timestamp(milliseconds: lhs.milliseconds - rhs.milliseconds)
    }

    /// The time between two instants.
    public static func - (lhs: Timestamp, rhs: Timestamp) -> RuleDuration {
        RuleDuration(milliseconds: lhs.milliseconds - rhs.milliseconds)
    }

    /// RFC 3339 in UTC, for logs and JSON.
    public var description: String { RFC3339.format(self, offsetSeconds: 0) }
}
