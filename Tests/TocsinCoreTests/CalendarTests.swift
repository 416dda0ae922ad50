import Foundation
import Testing
import TocsinCore

@Suite("The working calendar (SPEC §12)")
struct CalendarTests {
    func compile(_ text: String) -> RuleCompilation { RuleCompiler.compile(text, name: "c.rules") }

    @Test("holidays, makeup workdays and weekdays decide which days are worked")
    func workingDays() throws {
        let set = try #require(compile("""
            workhours mon-fri 08:30-12:00 13:30-17:30
            holiday 2026-10-01..2026-10-07 国庆节
            workday 2026-10-10 国庆节调休上班
            """).ruleSet)
        let calendar = set.calendar
        let day = { (text: String) in CivilDate(parsing: text)! }
        #expect(!calendar.isWorkingDay(day("2026-10-05")))  // a Monday in the holiday
        #expect(calendar.isWorkingDay(day("2026-10-10")))  // a Saturday worked
        #expect(calendar.workingHours(day("2026-10-10")) == [510..<720, 810..<1050])
        #expect(!calendar.isWorkingDay(day("2026-10-11")))  // an ordinary Sunday
        #expect(calendar.isWorkingDay(day("2026-12-08")))  // an ordinary Tuesday
        #expect(calendar.name(day("2026-10-03")) == "国庆节")
        #expect(calendar.yearsWithHolidays == [2026])
        #expect(calendar.yearsMissing(today: day("2026-12-04")) == [2027])
        #expect(calendar.yearsMissing(today: day("2026-11-30")) == [])
        #expect(calendar.yearsMissing(today: day("2027-03-01")) == [2027])
    }

    @Test("every calendar mistake is a diagnostic with the line and a caret, in one pass")
    func diagnostics() {
        let out = compile("""
            workhours mon-fir 08:30-12:00
            workhours mon-fri 12:00-08:30
            workhours mon 08:00-12:00 11:00-13:00
            workhours daily 07:00-09:00
            holiday 2026-02-30 春节
            holiday 2026-10-07..2026-10-01 国庆节
            holiday 2026-10-01..2026-10-07 国庆节
            workday 2026-10-03 调休
            workday 2026-10-10..2026-10-11 调休
            holiday 26-1-1
            """).renderedDiagnostics()
        let headlines = out.split(separator: "\n").filter { $0.hasPrefix("c.rules:") && !$0.contains(": note: ") }
        #expect(headlines == [
            "c.rules:1:11: error: unknown day 'fir' (did you mean 'fri'?): write days as mon-fri, sat,sun or daily",
            "c.rules:2:19: error: working hours out of order: '12:00-08:30' ends before it starts (a range across midnight is two: 22:00-24:00 and 00:00-06:00)",
            "c.rules:3:27: error: working hours out of order: 11:00-13:00 starts before 08:00-12:00 ends",
            "c.rules:4:17: error: working hours overlap on mon: 07:00-09:00 and 08:00-12:00",
            "c.rules:5:9: error: there is no day 2026-02-30",
            "c.rules:6:9: error: the range ends before it starts: 2026-10-07..2026-10-01",
            "c.rules:8:9: error: 2026-10-03 is given twice (a day is either a holiday or a workday)",
            "c.rules:9:9: error: a workday is one date, YYYY-MM-DD; give each worked day a line of its own",
            "c.rules:10:9: error: bad date '26-1-1': write YYYY-MM-DD, e.g. 2026-10-01",
        ], "\(out)")
    }
}
