/// A hold recorded with one incident as it happened (SPEC Part two): an acknowledgement
/// under `ack-timeout`, a wait on a parent incident. Stored, so a restart derives the same
/// deadlines; `interval.until` is nil while it lasts.
public struct RecordedHold: Hashable, Sendable {
    /// Why the clock was held.
    public enum Cause: Hashable, Sendable {
        /// Acknowledged under `stop on ack` with a timeout.
        case ack
        /// Waiting on parent incident N (`depends on`).
        case parent(IncidentNumber)
    }

    /// Why.
    public var cause: Cause
    /// When.
    public var interval: HeldInterval

    /// Creates a record.
    public init(cause: Cause, interval: HeldInterval) {
        self.cause = cause
        self.interval = interval
    }
}

/// A silence (SPEC §14): while it lasts, incidents whose fields match it are held — opened,
/// stored and shown, but their escalation clocks stand still.
///
/// What holds: a silence is a stored fact; ending it early sets `expiredAt` and never
/// rewrites `from` or `until`, so an incident's held interval is always
/// `from ..< end` and deadlines derived from it agree across restarts.
public struct Silence: Hashable, Sendable {
    /// Its number, `#3`.
    public var number: Int64
    /// Every matcher must hold (as on a `match` line).
    public var matchers: [Matcher]
    /// The matchers as the operator wrote them, a word each.
    public var matchWords: [String]
    /// When it begins.
    public var from: Timestamp
    /// When it was set to end.
    public var until: Timestamp
    /// Why (required).
    public var reason: String
    /// Who set it.
    public var by: String
    /// When it was created.
    public var created: Timestamp
    /// When it was expired early, if it was.
    public var expiredAt: Timestamp?

    /// Creates a silence.
    public init(
        number: Int64, matchers: [Matcher], matchWords: [String], from: Timestamp, until: Timestamp, reason: String,
        by: String, created: Timestamp, expiredAt: Timestamp? = nil
    ) {
        self.number = number
        self.matchers = matchers
        self.matchWords = matchWords
        self.from = from
        self.until = until
        self.reason = reason
        self.by = by
        self.created = created
        self.expiredAt = expiredAt
    }

    /// The matchers as written, for lists and the journal: `kind=fault id~^teller-`.
    public var matchText: String { matchWords.joined(separator: " ") }

    /// When it really ends: `until`, or earlier when expired early.
    public var end: Timestamp { expiredAt.map { min($0, until) } ?? until }

    /// Whether it holds at `t`.
    public func isActive(at t: Timestamp) -> Bool { from <= t && t < end }

    /// Whether the fields match every matcher.
    public func matches(_ event: Event) -> Bool { matchers.allSatisfy { $0.matches(event) } }

    /// The stretch it holds a matching incident.
    public var interval: HeldInterval { HeldInterval(from: from, until: end) }
}
