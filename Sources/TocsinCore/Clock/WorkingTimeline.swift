/// Working time as a running total (SPEC §12): how many milliseconds of working hours lie
/// between a fixed origin and any local instant, and the inverse, so that "4h of working
/// time after Friday 16:30" is one lookup, not a walk through the days.
///
/// What holds: `total(at:)` is non-decreasing; it grows one millisecond per millisecond
/// inside working hours and stays flat outside them; `instant(reaching:from:)` is the
/// smallest local instant at which the total reaches the target. Both cost O(log E) for E
/// holiday and makeup-workday dates (a binary search over a table of their differences from
/// an ordinary week), plus O(log d) days of search for the inverse, so a step of
/// `400h working` costs what one of `4h` does.
///
/// Times here are local wall-clock milliseconds (days since 1970-01-01 × 86,400,000 plus the
/// time of day): working hours are counted on the clock on the wall. `EscalationClock`
/// converts to and from instants.
public struct WorkingTimeline: Hashable, Sendable {
    static let day: Int64 = 86_400_000

    /// The calendar it counts.
    public let calendar: WorkingCalendar
    /// Working milliseconds of each weekday in an ordinary week (0 = Sunday).
    private let ordinary: [Int64]
    /// `ordinary`'s running sum from Sunday: `weekPrefix[w]` is the work before weekday w.
    private let weekPrefix: [Int64]
    /// Day numbers of the days that differ from an ordinary week, ascending.
    private let exceptionDays: [Int]
    /// `exceptionSums[i]`: the sum of the differences of `exceptionDays[0..<i]`.
    private let exceptionSums: [Int64]

    /// The timeline of `calendar`.
    public init(_ calendar: WorkingCalendar) {
        self.calendar = calendar
        let ordinary = (0..<7).map { weekday in
            calendar.hours[weekday].reduce(Int64(0)) { $0 + Int64($1.count) * 60_000 }
        }
        self.ordinary = ordinary
        var prefix: [Int64] = [0]
        for weekday in 0..<7 { prefix.append(prefix[weekday] + ordinary[weekday]) }
        self.weekPrefix = prefix
        var days: [Int] = []
        var sums: [Int64] = [0]
        for date in Set(calendar.holidays.keys).union(calendar.workdays.keys).sorted() {
            let actual = calendar.workingHours(date).reduce(Int64(0)) { $0 + Int64($1.count) * 60_000 }
            let difference = actual - ordinary[date.weekday]
            guard difference != 0 else { continue }
            days.append(date.dayNumber)
            sums.append(sums[sums.count - 1] + difference)
        }
        self.exceptionDays = days
        self.exceptionSums = sums
    }

    /// Whether any day has working hours (otherwise working time never passes).
    public var hasWorkingTime: Bool { weekPrefix[7] > 0 || exceptionSums.contains { $0 > 0 } }

    /// Working milliseconds before the start of day `dayNumber`.
    func total(beforeDay dayNumber: Int) -> Int64 {
        // Weeks counted from Sunday 1970-01-04 (day 3).
        let sinceSunday = dayNumber - 3
        let weeks = sinceSunday >= 0 ? sinceSunday / 7 : (sinceSunday - 6) / 7
        let weekday = sinceSunday - weeks * 7
        var low = 0
        var high = exceptionDays.count
        while low < high {
            let middle = (low + high) / 2
            if exceptionDays[middle] < dayNumber { low = middle + 1 } else { high = middle }
        }
        return Int64(weeks) * weekPrefix[7] + weekPrefix[weekday] + exceptionSums[low]
    }

    /// Working milliseconds before local instant `local`.
    public func total(at local: Int64) -> Int64 {
        let dayNumber = Int(local >= 0 ? local / Self.day : (local - Self.day + 1) / Self.day)
        let intoDay = local - Int64(dayNumber) * Self.day
        var within: Int64 = 0
        for range in calendar.workingHours(CivilDate(dayNumber: dayNumber)) {
            let start = Int64(range.lowerBound) * 60_000
            let end = Int64(range.upperBound) * 60_000
            within += max(0, min(intoDay, end) - start)
        }
        return total(beforeDay: dayNumber) + within
    }

    /// The first local instant at or after `from` whose total is `target`; nil when no
    /// working time lies ahead within 1,000 years (a calendar with no hours).
    public func instant(reaching target: Int64, from: Int64) -> Int64? {
        if total(at: from) >= target { return from }
        let first = Int(from >= 0 ? from / Self.day : (from - Self.day + 1) / Self.day)
        // The day it falls on: the last day whose start is below the target. Gallop, then halve.
        var low = first  // total(beforeDay: low) < target
        var step = 8
        var high = first + step
        let limit = first + 366_000
        while total(beforeDay: high) < target {
            low = high
            step *= 2
            high = first + step
            if high > limit { return nil }
        }
        while high - low > 1 {
            let middle = (low + high) / 2
            if total(beforeDay: middle) < target { low = middle } else { high = middle }
        }
        var remaining = target - total(beforeDay: low)
        for range in calendar.workingHours(CivilDate(dayNumber: low)) {
            let length = Int64(range.count) * 60_000
            if remaining <= length { return Int64(low) * Self.day + Int64(range.lowerBound) * 60_000 + remaining }
            remaining -= length
        }
        return Int64(low + 1) * Self.day  // not reached: the totals say the day holds enough
    }
}
