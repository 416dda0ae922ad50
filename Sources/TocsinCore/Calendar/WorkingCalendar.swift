/// The branch's working calendar (SPEC §12): working hours by weekday, public holidays, and
/// the weekend days that are worked instead (调休).
///
/// What holds: a `holiday` day is never a working day; a `workday` day always is, with the
/// hours of an ordinary weekday; any other day is a working day when its weekday has hours.
/// A year with no `holiday` line counts as weekdays only (`yearsWithHolidays` tells which
/// years have data, so `check` can say which do not).
public struct WorkingCalendar: Hashable, Sendable {
    /// Working hours: minute ranges of the day (`08:30-12:00` is 510..<720), by weekday
    /// (0 = Sunday … 6 = Saturday).
    public var hours: [[Range<Int>]]
    /// Public holidays, with their names.
    public var holidays: [CivilDate: String]
    /// Weekend days that are worked, with their names.
    public var workdays: [CivilDate: String]

    /// The default when the rules give no `workhours`: Monday to Friday, 09:00-17:00.
    public static let defaultHours: [[Range<Int>]] = (0..<7).map { (1...5).contains($0) ? [540..<1020] : [] }

    /// A calendar of the given hours (default Monday to Friday) with no holidays.
    public init(hours: [[Range<Int>]] = WorkingCalendar.defaultHours, holidays: [CivilDate: String] = [:], workdays: [CivilDate: String] = [:]) {
        self.hours = hours
        self.holidays = holidays
        self.workdays = workdays
    }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        if holidays[date] != nil { return false }
        if workdays[date] != nil { return true }
        return !hours[date.weekday].isEmpty
    }

    /// The holiday's or makeup workday's name, nil for an ordinary day.
    public func name(_ date: CivilDate) -> String? { holidays[date] ?? workdays[date] }

    /// The working hours of `date` (a makeup workday has those of an ordinary weekday).
    public func workingHours(_ date: CivilDate) -> [Range<Int>] {
        guard isWorkingDay(date) else { return [] }
        if workdays[date] != nil, hours[date.weekday].isEmpty {
            return (1...5).lazy.map { hours[$0] }.first { !$0.isEmpty } ?? []
        }
        return hours[date.weekday]
    }

    /// The years that have at least one `holiday` line.
    public var yearsWithHolidays: Set<Int> { Set(holidays.keys.map(\.year)) }

    /// The years `check` should warn about, on `today`: the current year, and from
    /// 1 December the next one too, when they have no holiday data.
    public func yearsMissing(today: CivilDate) -> [Int] {
        let f = today.fields
        let wanted = f.month == 12 ? [f.year, f.year + 1] : [f.year]
        let known = yearsWithHolidays
        return wanted.filter { !known.contains($0) }
    }
}
