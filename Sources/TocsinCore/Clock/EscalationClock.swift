/// A stretch of time during which an incident's escalation clock stands still (SPEC Part
/// two): a silence or maintenance window, a wait on a parent incident, an acknowledgement
/// with a timeout. `until` is nil while the hold lasts.
///
/// A held interval is a fact stored with the incident; deadlines are derived from the
/// intervals, never patched in place, so restart, reload and `drill` agree.
public struct HeldInterval: Hashable, Sendable {
    /// When the hold began.
    public var from: Timestamp
    /// When it ended; nil while it lasts.
    public var until: Timestamp?

    /// Creates an interval.
    public init(from: Timestamp, until: Timestamp?) {
        self.from = from
        self.until = until
    }
}

/// The one mechanism that says when a step is due (SPEC §7, §12, Part two): a step's
/// duration is measured from the incident's start on a clock that runs in wall time except
/// while the incident is held, and, for `working` steps, outside working hours.
///
/// Pure and deterministic: the same start, holds and calendar always give the same
/// instant. Cost: O(H) in the incident's held intervals, each a constant-time wall-time
/// step or an O(log) `WorkingTimeline` lookup.
public struct EscalationClock: Hashable, Sendable {
    /// The working calendar's running totals.
    public let timeline: WorkingTimeline
    /// The zone whose wall clock working hours are read on.
    public let zone: Zone

    /// A clock over `calendar`'s working hours in `zone`.
    public init(calendar: WorkingCalendar, zone: Zone) {
        self.timeline = WorkingTimeline(calendar)
        self.zone = zone
    }

    /// The instant at which `duration` has passed on the clock of an incident that began at
    /// `began` and was held during `held` (any order; overlaps allowed). Nil while a hold
    /// that lasts still stands in the way, or when working time never comes.
    public func deadline(began: Timestamp, after duration: RuleDuration, working: Bool, held: [HeldInterval] = []) -> Timestamp? {
        if held.isEmpty && !working { return began + duration }
        var remaining = duration.milliseconds
        var cursor = began
        for interval in held.sorted(by: { $0.from < $1.from }) {
            if let until = interval.until, until <= cursor { continue }
            if interval.from > cursor {
                let available = measure(from: cursor, to: interval.from, working: working)
                if remaining < available || remaining == 0 {
                    return advance(cursor, by: remaining, working: working)
                }
                remaining -= available
            }
            guard let until = interval.until else { return nil }
            cursor = until
        }
        return advance(cursor, by: remaining, working: working)
    }

    /// How much clock time passed between `began` and `now`: wall or working time, less the
    /// held intervals.
    public func elapsed(began: Timestamp, until now: Timestamp, working: Bool, held: [HeldInterval] = []) -> RuleDuration {
        guard now > began else { return .zero }
        var total: Int64 = 0
        var cursor = began
        for interval in held.sorted(by: { $0.from < $1.from }) {
            if let until = interval.until, until <= cursor { continue }
            let stop = min(interval.from, now)
            if stop > cursor { total += measure(from: cursor, to: stop, working: working) }
            guard let until = interval.until, until < now else { return RuleDuration(milliseconds: total) }
            cursor = max(cursor, until)
        }
        total += measure(from: cursor, to: now, working: working)
        return RuleDuration(milliseconds: total)
    }

    /// Whether `instant` is inside working hours.
    public func isWorkingTime(_ instant: Timestamp) -> Bool {
        let local = localMilliseconds(instant)
        return timeline.total(at: local + 1) > timeline.total(at: local)
    }

    func measure(from start: Timestamp, to end: Timestamp, working: Bool) -> Int64 {
        guard working else { return end.milliseconds - start.milliseconds }
        return timeline.total(at: localMilliseconds(end)) - timeline.total(at: localMilliseconds(start))
    }

    func advance(_ start: Timestamp, by milliseconds: Int64, working: Bool) -> Timestamp? {
        guard working else { return start + RuleDuration(milliseconds: milliseconds) }
        guard milliseconds > 0 else { return start }
        let local = localMilliseconds(start)
        guard let reached = timeline.instant(reaching: timeline.total(at: local) + milliseconds, from: local) else {
            return nil
        }
        return max(start, instant(ofLocal: reached))
    }

    /// Local wall-clock milliseconds of `t` in the zone.
    func localMilliseconds(_ t: Timestamp) -> Int64 { t.milliseconds + Int64(zone.offset(at: t)) * 1000 }

    /// The instant whose local wall-clock time is `local` (the earlier of two in a DST
    /// overlap; in a gap, the instant the clock shows past it).
    func instant(ofLocal local: Int64) -> Timestamp { EscalationClock.instant(ofLocal: local, zone: zone) }

    /// `instant(ofLocal:)` in any zone.
    static func instant(ofLocal local: Int64, zone: Zone) -> Timestamp {
        let before = zone.offset(at: Timestamp(milliseconds: local - 14 * 3_600_000))
        let after = zone.offset(at: Timestamp(milliseconds: local + 14 * 3_600_000))
        let candidates = [before, after].map { Timestamp(milliseconds: local - Int64($0) * 1000) }
            .filter { $0.milliseconds + Int64(zone.offset(at: $0)) * 1000 == local }
        return candidates.min() ?? Timestamp(milliseconds: local - Int64(before) * 1000)
    }
}
