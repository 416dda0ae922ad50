import Foundation

/// A day of the proleptic Gregorian calendar, as rule files write it: `2026-10-01`.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int

    /// The day `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// The date, or nil when it does not exist (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        dayNumber = RFC3339.daysFromCivil(year: year, month: month, day: day)
    }

    /// Parses `YYYY-MM-DD`; nil when malformed or the day does not exist.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days in a month of a year.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The calendar fields.
    public var fields: (year: Int, month: Int, day: Int) {
        let local = LocalDateTime(Timestamp(seconds: Int64(dayNumber) * 86_400), offsetSeconds: 0)
        return (local.year, local.month, local.day)
    }

    /// The year.
    public var year: Int { fields.year }

    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int { ((dayNumber % 7) + 11) % 7 }

    /// The weekdays as rule files write them, Sunday first (`weekday` indexes them).
    public static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// `Mon`, `Tue`, … for the weekday.
    public var weekdayName: String { CivilDate.weekdayNames[weekday].capitalized }

    /// The next day.
    public var next: CivilDate { CivilDate(dayNumber: dayNumber + 1) }

    /// `2026-10-01`.
    public var description: String {
        let f = fields
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(f.year)-\(two(f.month))-\(two(f.day))"
    }

    /// Orders dates.
    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }
}

extension Zone {
    /// The local date of `t` in this zone.
    public func date(of t: Timestamp) -> CivilDate {
        let local = self.local(t)
        return CivilDate(dayNumber: RFC3339.daysFromCivil(year: local.year, month: local.month, day: local.day))
    }
}
