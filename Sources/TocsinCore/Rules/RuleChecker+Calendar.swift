import Foundation

/// `workhours`, `holiday` and `workday` (SPEC §12), with their diagnostics: a day spec or a
/// date that does not exist, hours out of order, ranges that overlap, a day given twice.
extension RuleChecker {
    static let weekdayNames = CivilDate.weekdayNames

    mutating func checkCalendar(_ syntax: RuleFileSyntax) -> WorkingCalendar {
        var calendar = WorkingCalendar()
        if !syntax.workhours.isEmpty { calendar.hours = checkWorkhours(syntax.workhours) }
        var firstLine: [CivilDate: RuleToken] = [:]
        for line in syntax.holidays {
            guard let days = checkDates(line.dates, rangeAllowed: true) else { continue }
            let name = line.name.isEmpty ? "holiday" : line.name.map(\.text).joined(separator: " ")
            for day in days {
                if let first = firstLine[day] {
                    error("\(day) is given twice", line.dates, notes: [note("first given here", at: first.range.start, length: first.text.count)])
                    break
                }
                firstLine[day] = line.dates
                calendar.holidays[day] = name
            }
        }
        for line in syntax.workdays {
            guard let days = checkDates(line.dates, rangeAllowed: false), let day = days.first else { continue }
            if let first = firstLine[day] {
                error("\(day) is given twice (a day is either a holiday or a workday)", line.dates,
                      notes: [note("first given here", at: first.range.start, length: first.text.count)])
                continue
            }
            firstLine[day] = line.dates
            calendar.workdays[day] = line.name.isEmpty ? "workday" : line.name.map(\.text).joined(separator: " ")
        }
        return calendar
    }

    /// `2026-10-01` or `2026-10-01..2026-10-07` (in order, at most a year long).
    private mutating func checkDates(_ token: RuleToken, rangeAllowed: Bool) -> [CivilDate]? {
        let parts = token.text.components(separatedBy: "..")
        guard parts.count <= (rangeAllowed ? 2 : 1) else {
            error("a workday is one date, YYYY-MM-DD; give each worked day a line of its own", token)
            return nil
        }
        var dates: [CivilDate] = []
        for part in parts {
            guard let date = CivilDate(parsing: part) else {
                let shape = part.split(separator: "-").count == 3 && part.count == 10
                error(shape ? "there is no day \(part)" : "bad date '\(part)': write YYYY-MM-DD, e.g. 2026-10-01", token)
                return nil
            }
            dates.append(date)
        }
        guard let first = dates.first, let last = dates.last else { return nil }
        guard first <= last else {
            error("the range ends before it starts: \(first)..\(last)", token)
            return nil
        }
        guard last.dayNumber - first.dayNumber < 366 else {
            error("a holiday range is at most a year long", token)
            return nil
        }
        return (first.dayNumber...last.dayNumber).map(CivilDate.init(dayNumber:))
    }

    private mutating func checkWorkhours(_ lines: [RuleFileSyntax.Workhours]) -> [[Range<Int>]] {
        var hours: [[Range<Int>]] = Array(repeating: [], count: 7)
        var given: [(day: Int, range: Range<Int>, token: RuleToken)] = []
        for line in lines {
            guard let days = checkDays(line.days) else { continue }
            var ranges: [(Range<Int>, RuleToken)] = []
            for token in line.ranges {
                guard let range = checkHours(token) else { continue }
                if let previous = ranges.last, range.lowerBound < previous.0.upperBound {
                    error("working hours out of order: \(token.text) starts before \(previous.1.text) ends", token)
                    continue
                }
                ranges.append((range, token))
            }
            for day in days {
                for (range, token) in ranges {
                    if let clash = given.first(where: { $0.day == day && $0.range.overlaps(range) }) {
                        error(
                            "working hours overlap on \(RuleChecker.weekdayNames[day]): \(token.text) and \(clash.token.text)", token,
                            notes: [note("given here", at: clash.token.range.start, length: clash.token.text.count)])
                        continue
                    }
                    given.append((day, range, token))
                    hours[day].append(range)
                }
            }
        }
        return hours.map { $0.sorted { $0.lowerBound < $1.lowerBound } }
    }

    /// `mon-fri`, `mon,wed,fri`, `sat,sun`, `daily`.
    private mutating func checkDays(_ token: RuleToken) -> [Int]? {
        if token.text == "daily" { return Array(0..<7) }
        var days: [Int] = []
        for part in token.text.split(separator: ",") {
            guard let range = RuleChecker.weekdays(String(part)) else {
                let bad = part.split(separator: "-").map(String.init).first { !RuleChecker.weekdayNames.contains($0) } ?? String(part)
                error("unknown day '\(bad)'\(Suggestion.hint(for: bad, among: RuleChecker.weekdayNames)): write days as mon-fri, sat,sun or daily", token)
                return nil
            }
            days += range
        }
        return days
    }

    /// The weekdays of `mon` or `mon-fri` (a range wraps round the week: `fri-mon`), or nil.
    static func weekdays(_ text: String) -> [Int]? {
        let ends = text.split(separator: "-").map(String.init)
        let indexes = ends.compactMap { weekdayNames.firstIndex(of: $0) }
        guard (1...2).contains(ends.count), indexes.count == ends.count else { return nil }
        guard indexes.count == 2 else { return indexes }
        var days: [Int] = []
        var day = indexes[0]
        while true {
            days.append(day)
            if day == indexes[1] { break }
            day = (day + 1) % 7
        }
        return days
    }

    /// `08:30-12:00` as minutes of the day.
    private mutating func checkHours(_ token: RuleToken) -> Range<Int>? {
        let ends = token.text.split(separator: "-").map(String.init)
        guard ends.count == 2, let from = TimeOfDay(parsing: ends[0]), let to = ends[1] == "24:00" ? TimeOfDay(hour: 0, minute: 0) : TimeOfDay(parsing: ends[1]) else {
            error("bad working hours '\(token.text)': write HH:MM-HH:MM on the 24-hour clock, e.g. 08:30-12:00", token)
            return nil
        }
        let start = from.hour * 60 + from.minute
        let end = ends[1] == "24:00" ? 1440 : to.hour * 60 + to.minute
        guard start < end else {
            error("working hours out of order: '\(token.text)' ends before it starts (a range across midnight is two: 22:00-24:00 and 00:00-06:00)", token)
            return nil
        }
        return start..<end
    }
}
