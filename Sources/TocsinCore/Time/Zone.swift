import Foundation

/// A named time zone (`Asia/Shanghai`) for printing local times and placing the daily report.
///
/// Wraps Foundation's `TimeZone` for its tz database; everything else (calendar arithmetic,
/// DST gaps and overlaps) is done here so it is exact and testable.
public struct Zone: Sendable, Hashable, CustomStringConvertible {
    /// The IANA name, e.g. `Asia/Shanghai`.
    public let identifier: String
    private let timeZone: TimeZone
    private let offsets = OffsetCache()

    /// The zone named `identifier`, or nil when the tz database has no such zone.
    public init?(identifier: String) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.timeZone = zone
    }

    /// Zones are equal when their names are.
    public static func == (a: Zone, b: Zone) -> Bool { a.identifier == b.identifier }

    /// Hashes the name.
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// UTC.
    public static let utc = Zone(identifier: "UTC")!

    /// The IANA name.
    public var description: String { identifier }

    /// Seconds east of UTC in force at `t`.
    public func offset(at t: Timestamp) -> Int {
        // Offsets change only on quarter hours of UTC (every transition in use is at :00,
        // :15, :30 or :45 with offsets in whole quarter hours): ask the tz database once per
        // quarter hour of time, not once per message of a storm.
        let quarter: Int64 = 900_000
        let bucket = t.milliseconds >= 0 ? t.milliseconds / quarter : (t.milliseconds - quarter + 1) / quarter
        if let cached = offsets.value(bucket) { return cached }
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(bucket * quarter) / 1000))
        offsets.store(bucket, offset)
        return offset
    }

    /// The calendar fields of `t` in this zone.
    public func local(_ t: Timestamp) -> LocalDateTime { LocalDateTime(t, offsetSeconds: offset(at: t)) }

    /// `2026-11-22 09:30` in this zone.
    public func shortString(_ t: Timestamp) -> String {
        let l = local(t)
        return l.dateString + " " + l.timeString(seconds: false)
    }

    /// `09:30` in this zone.
    public func clockString(_ t: Timestamp) -> String { local(t).timeString(seconds: false) }

    /// RFC 3339 with this zone's offset at `t`.
    public func rfc3339(_ t: Timestamp) -> String { RFC3339.format(t, offsetSeconds: offset(at: t)) }

    /// The first instant after `t` whose local time is `time`, once per local day.
    ///
    /// DST-safe: on a day when `time` does not exist (spring forward) it fires at the same
    /// instant shifted by the gap (02:30 becomes 03:30); on a day when it exists twice (fall
    /// back) it fires at the first only.
    public func nextOccurrence(of time: TimeOfDay, after t: Timestamp) -> Timestamp {
        let today = local(t)
        var days = RFC3339.daysFromCivil(year: today.year, month: today.month, day: today.day)
        for _ in 0..<4 {
            if let candidate = earliestInstant(days: days, time: time), candidate > t {
                return candidate
            }
            days += 1
        }
        return t + .hours(24)
    }

    /// The first instant of local day `days` (since 1970-01-01) at `time`; nil when that
    /// local time does not exist that day (then the instant after the gap is near).
    public func earliestInstant(days: Int, time: TimeOfDay) -> Timestamp? {
        let naive = Int64(days) * 86_400 + Int64(time.hour * 3600 + time.minute * 60)
        let before = offset(at: Timestamp(seconds: naive - 14 * 3600))
        let after = offset(at: Timestamp(seconds: naive + 14 * 3600))
        let candidates = Set([before, after]).map { Timestamp(seconds: naive - Int64($0)) }
        let valid = candidates.filter { candidate in
            let l = local(candidate)
            return l.hour == time.hour && l.minute == time.minute
        }
        if let earliest = valid.min() { return earliest }
        return Timestamp(seconds: naive - Int64(before))
    }
}

/// Offsets of a zone by quarter hour of time, shared by copies of the zone and safe across threads.
private final class OffsetCache: @unchecked Sendable {
    private var byQuarter: [Int64: Int] = [:]
    private let lock = NSLock()

    func value(_ quarter: Int64) -> Int? { lock.withLock { byQuarter[quarter] } }

    func store(_ quarter: Int64, _ offset: Int) {
        lock.withLock {
            if byQuarter.count > 8192 { byQuarter.removeAll() }
            byQuarter[quarter] = offset
        }
    }
}
