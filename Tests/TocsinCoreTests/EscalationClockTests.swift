import Foundation
import Testing
import TocsinCore

/// The escalation clock (SPEC Part two, §12): working-time steps on the shipped calendar,
/// held intervals, and agreement with a minute-by-minute reference on random calendars.
@Suite("The escalation clock")
struct EscalationClockTests {
    let shanghai = Zone(identifier: "Asia/Shanghai")!

    func at(_ text: String) -> Timestamp { RFC3339.parse(text)! }

    @Test("after 4h working from Friday 2026-12-04 16:30 falls due Monday 11:30 (shipped hours)")
    func fridayToMonday() {
        let clock = Rules.shipped.clock
        let due = clock.deadline(began: at("2026-12-04T16:30:00+08:00"), after: .hours(4), working: true)
        #expect(due.map(shanghai.rfc3339) == "2026-12-07T11:30:00+08:00")
    }

    @Test("received on the makeup workday Saturday 2026-10-10, that Saturday counts as working")
    func makeupSaturday() {
        let clock = Rules.shipped.clock
        let due = clock.deadline(began: at("2026-10-10T09:00:00+08:00"), after: .hours(4), working: true)
        #expect(due.map(shanghai.rfc3339) == "2026-10-10T14:30:00+08:00")
        // A week earlier the Saturday is inside the National Day holiday (10-01..10-07): it
        // waits for Thursday 10-08, 3.5h in the morning and half an hour after lunch.
        let holiday = clock.deadline(began: at("2026-10-03T09:00:00+08:00"), after: .hours(4), working: true)
        #expect(holiday.map(shanghai.rfc3339) == "2026-10-08T14:00:00+08:00")
    }

    @Test("plain steps stay wall time; a step of 0m working fires at once even at night")
    func wallTime() {
        let clock = Rules.shipped.clock
        let began = at("2026-12-05T23:00:00+08:00")
        #expect(clock.deadline(began: began, after: .minutes(30), working: false) == began + .minutes(30))
        #expect(clock.deadline(began: began, after: .zero, working: true) == began)
    }

    @Test("held intervals shift a deadline by their length; one that lasts holds it")
    func heldIntervals() {
        let clock = EscalationClock(calendar: WorkingCalendar(), zone: .utc)
        let began = at("2026-12-01T10:00:00Z")
        let silence = HeldInterval(from: began + .minutes(10), until: began + .minutes(70))
        #expect(clock.deadline(began: began, after: .minutes(30), working: false, held: [silence]) == began + .minutes(90))
        // Began inside the hold: counting starts when it ends.
        let earlier = HeldInterval(from: began - .minutes(5), until: began + .minutes(20))
        #expect(clock.deadline(began: began, after: .zero, working: false, held: [earlier]) == began + .minutes(20))
        // Overlapping holds count once: held 10..100, 10 minutes before and 20 after.
        let overlap = HeldInterval(from: began + .minutes(40), until: began + .minutes(100))
        #expect(clock.deadline(began: began, after: .minutes(30), working: false, held: [overlap, silence]) == began + .minutes(120))
        // A hold with no end yet, before the deadline: not due.
        let open = HeldInterval(from: began + .minutes(10), until: nil)
        #expect(clock.deadline(began: began, after: .minutes(30), working: false, held: [open]) == nil)
        // One after the deadline changes nothing.
        let late = HeldInterval(from: began + .minutes(31), until: nil)
        #expect(clock.deadline(began: began, after: .minutes(30), working: false, held: [late]) == began + .minutes(30))
        #expect(clock.elapsed(began: began, until: began + .minutes(80), working: false, held: [silence]) == .minutes(20))
    }

    @Test("working time agrees with a minute-by-minute walk on random calendars, starts and durations")
    func differential() {
        var generator = SplitMix(seed: 20261204)
        for trial in 0..<60 {
            var hours: [[Range<Int>]] = Array(repeating: [], count: 7)
            for day in 1...5 where generator.next() % 5 != 0 {
                let start = Int(generator.next() % 600)
                hours[day] = [start..<(start + 30 + Int(generator.next() % 300))]
                let second = hours[day][0].upperBound + 10 + Int(generator.next() % 200)
                if second < 1400, generator.next() % 2 == 0 { hours[day].append(second..<min(1440, second + 60)) }
            }
            if hours.allSatisfy(\.isEmpty) { hours[3] = [600..<660] }
            var holidays: [CivilDate: String] = [:]
            var workdays: [CivilDate: String] = [:]
            let base = CivilDate(year: 2026, month: 1, day: 1)!.dayNumber
            for _ in 0..<40 {
                let date = CivilDate(dayNumber: base + Int(generator.next() % 400))
                if generator.next() % 3 == 0 { workdays[date] = "w" } else { holidays[date] = "h" }
            }
            for date in workdays.keys { holidays[date] = nil }
            let calendar = WorkingCalendar(hours: hours, holidays: holidays, workdays: workdays)
            let clock = EscalationClock(calendar: calendar, zone: .utc)
            let began = Timestamp(seconds: Int64(base) * 86_400 + Int64(generator.next() % (300 * 86_400)))
            let minutes = Int64(generator.next() % 6_000)
            let due = clock.deadline(began: began, after: .minutes(minutes), working: true)
            #expect(due == Self.walk(calendar, from: began, minutes: minutes), "trial \(trial)")
        }
    }

    @Test("a step of 400h working lands where the walk says, a year of holidays included")
    func longStep() {
        let rules = Rules.shipped
        let began = at("2026-09-20T10:00:00+08:00")
        let due = rules.clock.deadline(began: began, after: .hours(400), working: true)
        #expect(due == Self.walk(rules.calendar, from: began, minutes: 400 * 60, zone: shanghai))
    }

    /// The reference: step through the calendar a minute at a time (starts on whole minutes
    /// of the zone's clock after the first partial one).
    static func walk(_ calendar: WorkingCalendar, from began: Timestamp, minutes: Int64, zone: Zone = .utc) -> Timestamp? {
        guard minutes > 0 else { return began }
        func working(_ t: Timestamp) -> Bool {
            let local = zone.local(t)
            let date = CivilDate(year: local.year, month: local.month, day: local.day)!
            let minute = local.hour * 60 + local.minute
            return calendar.workingHours(date).contains { $0.contains(minute) }
        }
        // Whole minutes only: the random starts are whole seconds, so walk second-exactly
        // through the first partial minute.
        var t = began
        var remaining = minutes * 60_000
        let intoMinute = t.milliseconds % 60_000
        if intoMinute != 0 {
            let rest = 60_000 - intoMinute
            if working(t) {
                if remaining <= rest { return t + RuleDuration(milliseconds: remaining) }
                remaining -= rest
            }
            t = t + RuleDuration(milliseconds: rest)
        }
        for _ in 0..<(2_000 * 1440) {
            if working(t) {
                if remaining <= 60_000 { return t + RuleDuration(milliseconds: remaining) }
                remaining -= 60_000
            }
            t = t + .minutes(1)
        }
        return nil
    }
}

/// Working-time steps in the engine: firing, restart and reload give the same instants.
@Suite("Working-time steps in the engine")
struct WorkingStepEngineTests {
    static let text = """
        set timezone Asia/Shanghai
        contact lead mail lead@example.com
        contact boss mail boss@example.com
        workhours mon-fri 08:30-12:00 13:30-17:30
        rule complaint
          match kind=complaint
          after 4h working notify lead
          after 2h notify boss
        """

    @Test("the working step fires on Monday at 11:30; the wall step on Friday at 18:30")
    func fires() {
        let start = RFC3339.parse("2026-12-04T16:30:00+08:00")!
        var h = EngineHarness(Self.text, start: start)
        h.submit("kind=complaint id=c-1")
        h.advance(to: RFC3339.parse("2026-12-07T11:29:59+08:00")!)
        #expect(h.drain(since: start) == ["+2h boss step"])
        h.advance(by: .seconds(1))
        #expect(h.drain(since: start) == ["+2d19h lead step"])
    }

    @Test("a reload that makes Monday a holiday moves the deadline to Tuesday 11:30, keeping Friday's hour")
    func reloadRecomputes() {
        let start = RFC3339.parse("2026-12-04T16:30:00+08:00")!
        var h = EngineHarness(Self.text, start: start)
        h.submit("kind=complaint id=c-1")
        h.advance(to: RFC3339.parse("2026-12-05T10:00:00+08:00")!)
        _ = h.drain(since: start)
        let changed = Rules.compile(Self.text + "\nholiday 2026-12-07 test holiday\n")
        h.collect(h.engine.reload(changed, now: h.now))
        h.advance(to: RFC3339.parse("2026-12-08T11:29:00+08:00")!)
        #expect(h.drain(since: start).isEmpty)
        h.advance(to: RFC3339.parse("2026-12-08T11:30:00+08:00")!)
        #expect(h.stepsFired.map { RFC3339.format($0.deadline, offsetSeconds: 8 * 3600) }.last == "2026-12-08T11:30:00+08:00")
    }

    @Test("a restart from the snapshot computes the same deadline")
    func restart() {
        let start = RFC3339.parse("2026-12-04T16:30:00+08:00")!
        let rules = Rules.compile(Self.text)
        var engine = EscalationEngine(rules: rules, now: start)
        _ = engine.receive(try! EventParser.parse("kind=complaint id=c-1", now: start), now: start)
        let before = engine.nextWake
        let incident = engine.incident(id: "c-1")!
        var snapshot = EngineSnapshot()
        snapshot.add(incident)
        snapshot.rulesFingerprint = rules.fingerprint  // the fast path: timers rebuilt only
        let restored = EscalationEngine(rules: rules, snapshot: snapshot, now: start + .hours(1))
        #expect(restored.nextWake == before)
    }

    @Test("check: 'working' in the wrong place, a misspelt one")
    func diagnostics() {
        let compilation = RuleCompiler.compile(
            """
            contact lead mail lead@example.com
            rule r
              match kind=complaint
              after 4h workng notify lead
            """, name: "w.rules")
        #expect(compilation.renderedDiagnostics().contains("w.rules:4:12: error: expected 'working' after the duration, got 'workng'"), "\(compilation.renderedDiagnostics())")
    }
}
