/// A duty roster (SPEC §13): who is on duty for each duty day, a name that steps, repeats
/// and reports notify like a contact.
///
/// What holds: the duty day starts at `handoff` local time and runs to the next day's
/// handoff. Its member is, in order, the dated line that covers it, the `holiday` line on a
/// holiday of the calendar, the `workday` line on a makeup workday, the line of its
/// weekday (a makeup workday counts as its weekday when there is no `workday` line), and
/// `fallback` otherwise: never nobody.
public struct Roster: Hashable, Sendable {
    /// A dated line: `2026-10-01..2026-10-07 lead-wang`.
    public struct Dated: Hashable, Sendable {
        public var first: CivilDate
        public var last: CivilDate
        public var member: ContactName
    }

    /// The roster's name.
    public var name: ContactName
    /// Minutes after local midnight at which the duty day changes.
    public var handoff: Int
    /// Dated lines (they never overlap).
    public var dated: [Dated]
    /// The member on holidays, if the roster says.
    public var holiday: ContactName?
    /// The member on makeup workdays, if the roster says.
    public var workday: ContactName?
    /// The member by weekday (0 = Sunday … 6 = Saturday).
    public var weekdays: [Int: ContactName]
    /// When nobody else is on duty.
    public var fallback: ContactName

    /// Who is on duty at `instant`, and that duty day's first instant and the next's.
    public func duty(at instant: Timestamp, zone: Zone, calendar: WorkingCalendar) -> (member: ContactName, from: Timestamp, until: Timestamp) {
        let local = zone.local(instant)
        var day = zone.date(of: instant)
        if local.hour * 60 + local.minute < handoff { day = CivilDate(dayNumber: day.dayNumber - 1) }
        let time = TimeOfDay(hour: handoff / 60, minute: handoff % 60) ?? TimeOfDay(hour: 0, minute: 0)!
        let from = zone.earliestInstant(days: day.dayNumber, time: time) ?? instant
        let until = zone.earliestInstant(days: day.dayNumber + 1, time: time) ?? from + .hours(24)
        return (member(on: day, calendar: calendar), from, until)
    }

    /// The member of duty day `day`.
    public func member(on day: CivilDate, calendar: WorkingCalendar) -> ContactName {
        if let line = dated.first(where: { $0.first <= day && day <= $0.last }) { return line.member }
        if calendar.holidays[day] != nil, let holiday { return holiday }
        if calendar.workdays[day] != nil, let workday { return workday }
        return weekdays[day.weekday] ?? fallback
    }
}
