/// The limits of SPEC §3, in one place.
public enum EventLimits {
    /// A line is at most 64 KiB (without its newline).
    public static let maxLineBytes = 64 * 1024
    /// At most 64 fields.
    public static let maxFields = 64
    /// `at` may be at most 5 minutes in the future.
    public static let maxFutureSkew = RuleDuration.minutes(5)
    /// An `id` is at most this many bytes (so it fits a mail header and a terminal line).
    public static let maxIDBytes = 256
}
