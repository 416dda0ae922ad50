/// A `maintenance` statement (SPEC §14): planned work during which matching incidents are
/// held, as by a silence. Daily, weekly or one dated range, in local time.
///
/// What holds: a window whose end is at or before its start on the clock runs across
/// midnight and is one interval (23:59:58–00:00:03 is five seconds, not two pieces).
public struct MaintenanceWindow: Hashable, Sendable {
    /// When it recurs.
    public enum Schedule: Hashable, Sendable {
        /// Every day from `start` to `end` seconds after local midnight (end ≤ start: the
        /// next day).
        case daily(start: Int, end: Int)
        /// On the given weekdays (0 = Sunday), from `start` to `end` (end ≤ start: the next
        /// day).
        case weekly(days: Set<Int>, start: Int, end: Int)
        /// Once, between two instants.
        case dated(from: Timestamp, until: Timestamp)
    }

    /// Its name, for the journal and `tocsinctl test`.
    public var name: String
    /// When it holds.
    public var schedule: Schedule
    /// Every matcher must hold.
    public var matchers: [Matcher]
    /// Where it is written.
    public var location: SourceLocation

    /// Creates a window.
    public init(name: String, schedule: Schedule, matchers: [Matcher], location: SourceLocation) {
        self.name = name
        self.schedule = schedule
        self.matchers = matchers
        self.location = location
    }

    /// Whether the fields match every matcher.
    public func matches(_ event: Event) -> Bool { matchers.allSatisfy { $0.matches(event) } }

    /// The intervals it holds that overlap `from ..< until`, in order.
    public func intervals(from: Timestamp, until: Timestamp, zone: Zone) -> [HeldInterval] {
        switch schedule {
        case .dated(let start, let end):
            return start < until && end > from ? [HeldInterval(from: start, until: end)] : []
        case .daily(let start, let end):
            return recurring(from: from, until: until, zone: zone, start: start, end: end) { _ in true }
        case .weekly(let days, let start, let end):
            return recurring(from: from, until: until, zone: zone, start: start, end: end) { days.contains($0.weekday) }
        }
    }

    /// The interval holding `t`, if any.
    public func interval(containing t: Timestamp, zone: Zone) -> HeldInterval? {
        intervals(from: t, until: t + .milliseconds(1), zone: zone).first { $0.from <= t && ($0.until ?? t + .seconds(1)) > t }
    }

    private func recurring(
        from: Timestamp, until: Timestamp, zone: Zone, start: Int, end: Int, on day: (CivilDate) -> Bool
    ) -> [HeldInterval] {
        let length = end > start ? end - start : end + 86_400 - start
        // Begin a day early: yesterday's window may run past midnight into `from`.
        var date = CivilDate(dayNumber: zone.date(of: from).dayNumber - 1)
        let last = zone.date(of: until).dayNumber
        var found: [HeldInterval] = []
        while date.dayNumber <= last {
            if day(date) {
                let begin = EscalationClock.instant(ofLocal: Int64(date.dayNumber) * 86_400_000 + Int64(start) * 1000, zone: zone)
                let finish = begin + .seconds(Int64(length))
                if begin < until && finish > from { found.append(HeldInterval(from: begin, until: finish)) }
            }
            date = date.next
        }
        return found
    }
}

extension RuleDuration {
    /// A duration of milliseconds.
    static func milliseconds(_ n: Int64) -> RuleDuration { RuleDuration(milliseconds: n) }
}
