import Foundation
import Testing

/// The shipped calendar of 2026 against the real sources: regenerated from PyPI's
/// `chinesecalendar` it is the shipped file, and `tocsinctl calendar` agrees with PyPI's
/// `holidays` (a second transcription of the State Council's notice) on every day.
@Suite("The shipped 2026 calendar against two independent sources")
struct CalendarDataTests {
    @Test("rules/06-holidays-2026.rules is what scripts/holidays-cn.py makes from chinesecalendar")
    func generatedFromChinesecalendar() throws {
        let generated = try Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "scripts/holidays-cn.py", "2026"])
        #expect(generated.status == 0, "\(generated.stderr)")
        let shipped = try String(contentsOf: Binaries.repository.appendingPathComponent("rules/06-holidays-2026.rules"), encoding: .utf8)
        #expect(generated.stdout == shipped)
    }

    @Test("tocsinctl calendar --year 2026 --json agrees with PyPI holidays on every day of 2026")
    func agreesWithHolidays() throws {
        let ours = try Binaries.tocsinctl(["calendar", "--rules", "rules", "--year", "2026", "--json"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let days = try #require(try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [[String: Any]])
        #expect(days.count == 365)
        // holidays.China lists the official days off; the makeup workdays are the dates its
        // "Day off (substituted from MM/DD/YYYY)" entries name.
        let script = """
            import datetime, holidays, json, re
            cn = holidays.China(years=2026)
            worked = set()
            for name in cn.values():
                for m, d, y in re.findall(r"substituted from (\\d+)/(\\d+)/(\\d+)", name):
                    worked.add(datetime.date(int(y), int(m), int(d)).isoformat())
            out = {}
            day = datetime.date(2026, 1, 1)
            while day.year == 2026:
                out[day.isoformat()] = day.isoformat() in worked or (day.weekday() < 5 and day not in cn)
                day += datetime.timedelta(days=1)
            print(json.dumps(out))
            """
        let second = try Binaries.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script])
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Bool], "\(second.stderr)")
        var disagreements: [String] = []
        for day in days {
            let date = day["date"] as? String ?? "?"
            if (day["working"] as? Bool) != expected[date] { disagreements.append("\(date): ours \(day["working"] ?? "-"), holidays \(expected[date].map(String.init) ?? "-")") }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        let byDate = Dictionary(uniqueKeysWithValues: days.map { ($0["date"] as? String ?? "", $0) })
        #expect(byDate["2026-10-10"]?["name"] as? String == "国庆节调休上班")
        #expect(byDate["2026-10-01"]?["working"] as? Bool == false)
        #expect(byDate["2026-12-08"]?["name"] is NSNull)
    }
}

/// `tocsinctl calendar import` on files written here, as the two formats publish them.
@Suite("tocsinctl calendar import")
struct CalendarImportTests {
    func importing(_ name: String, _ content: String) throws -> Binaries.Result {
        let file = Binaries.temporaryDirectory("import").appendingPathComponent(name)
        try content.write(to: file, atomically: true, encoding: .utf8)
        return try Binaries.tocsinctl(["calendar", "import", file.path])
    }

    @Test("a holiday-cn year file: ranges of days off by name, and the days worked")
    func holidayCN() throws {
        let r = try importing("2027.json", """
            {"year":2027,"papers":[],"days":[
             {"name":"元旦","date":"2027-01-01","isOffDay":true},
             {"name":"国庆节","date":"2027-10-01","isOffDay":true},{"name":"国庆节","date":"2027-10-02","isOffDay":true},
             {"name":"国庆节","date":"2027-10-03","isOffDay":true},{"name":"国庆节","date":"2027-09-26","isOffDay":false}]}
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == ["holiday 2027-01-01 元旦", "holiday 2027-10-01..2027-10-03 国庆节", "workday 2027-09-26 国庆节"])
        // What it prints is rule text that check accepts.
        let rules = Binaries.temporaryDirectory("import-rules")
        try (r.stdout + "contact a mail a@example.org\n").write(to: rules.appendingPathComponent("h.rules"), atomically: true, encoding: .utf8)
        #expect(try Binaries.tocsinctl(["check", rules.path]).stdout.contains("rules OK"))
    }

    @Test("an iCalendar file: folded lines, all-day events with an exclusive DTEND, a worked day by its summary")
    func iCalendar() throws {
        let r = try importing("cn.ics", [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20271001", "DTEND;VALUE=DATE:20271008", "SUMMARY:国庆", " 节", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270926", "SUMMARY:国庆节调休上班", "END:VEVENT",
            "END:VCALENDAR", "",
        ].joined(separator: "\r\n"))
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == ["holiday 2027-10-01..2027-10-07 国庆节", "workday 2027-09-26 国庆节调休上班"])
    }

    @Test("a file of neither kind is refused, saying which kinds are read")
    func neither() throws {
        let r = try importing("notes.txt", "holidays: ask the office\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("neither a holiday-cn JSON file nor an iCalendar file"), "\(r.stderr)")
    }
}

/// `tocsinctl who` on the shipped rules (SPEC §13).
@Suite("tocsinctl who")
struct WhoTests {
    @Test("the shipped shift-lead roster on a makeup Saturday, a holiday and an ordinary Tuesday")
    func shippedRoster() throws {
        let cases = [
            ("2026-10-10", "shift-lead  lead-zhang  2026-10-10 08:30 – 2026-10-11 08:30\n"),
            ("2026-10-03", "shift-lead  lead-zhao  2026-10-03 08:30 – 2026-10-04 08:30\n"),
            ("2026-12-08 10:00", "shift-lead  lead-li  2026-12-08 08:30 – 2026-12-09 08:30\n"),
            ("2026-12-08T08:00:00+08:00", "shift-lead  lead-zhang  2026-12-07 08:30 – 2026-12-08 08:30\n"),
        ]
        for (at, expected) in cases {
            let r = try Binaries.tocsinctl(["who", "shift-lead", "--rules", "rules", "--at", at])
            #expect(r.status == 0 && r.stdout == expected, "\(at): \(r.stdout) \(r.stderr)")
        }
        let unknown = try Binaries.tocsinctl(["who", "shift-laed", "--rules", "rules"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "tocsinctl: unknown roster 'shift-laed' (did you mean 'shift-lead'?)\n", "\(unknown.stderr)")
    }

    @Test("a roster without fallback, with an unknown member, or with overlapping dated lines is refused by check")
    func rosterDiagnostics() throws {
        let dir = Binaries.temporaryDirectory("roster-rules")
        try """
            contact lead-zhang mail z@x.example
            contact centre-manager mail c@x.example
            roster a
              mon lead-zhang
            roster b
              mon lead-zhnag
              2026-10-01..2026-10-07 lead-zhang
              2026-10-05 lead-zhang
              fallback centre-manager
            """.write(to: dir.appendingPathComponent("r.rules"), atomically: true, encoding: .utf8)
        let r = try Binaries.tocsinctl(["check", dir.path])
        #expect(r.status == 1)
        let errors = r.stdout.split(separator: "\n").filter { $0.contains(": error: ") }.map { String($0.split(separator: "/").last ?? "") }
        #expect(errors == [
            "r.rules:3:8: error: roster 'a' has no fallback: add 'fallback CONTACT', who is told when nobody is on duty",
            "r.rules:6:7: error: unknown contact 'lead-zhnag' (did you mean 'lead-zhang'?): a roster's members are contacts",
            "r.rules:8:3: error: dated duty lines overlap: 2026-10-05 and 2026-10-01..2026-10-07",
        ], "\(r.stdout)")
    }
}

/// `tocsinctl test --at` on a working-time step (SPEC §12): the preview's due time is the
/// escalation clock's, across the weekend and on the makeup Saturday.
@Suite("tocsinctl test on working-time steps (the real binary)")
struct WorkingStepPreviewTests {
    @Test("after 4h working: Friday 16:30 is due Monday 11:30; Saturday 2026-10-10 (调休) counts")
    func preview() throws {
        let dir = Binaries.temporaryDirectory("working-rules")
        for name in ["05-workhours.rules", "06-holidays-2026.rules"] {
            try FileManager.default.copyItem(
                at: Binaries.repository.appendingPathComponent("rules/" + name), to: dir.appendingPathComponent(name))
        }
        try """
            set timezone Asia/Shanghai
            contact centre-manager mail c@x.example
            rule complaint
              match kind=complaint
              after 4h working notify centre-manager
            """.write(to: dir.appendingPathComponent("10-r.rules"), atomically: true, encoding: .utf8)
        let friday = try Binaries.tocsinctl(["test", "--rules", dir.path, "kind=complaint", "--at", "2026-12-04 16:30"])
        #expect(friday.status == 0, "\(friday.stderr)")
        #expect(friday.stdout.contains("+4h working  centre-manager  <c@x.example>  (due 2026-12-07 11:30)"), "\(friday.stdout)")
        let saturday = try Binaries.tocsinctl(["test", "--rules", dir.path, "kind=complaint", "--at", "2026-10-10 09:00"])
        #expect(saturday.stdout.contains("(due 2026-10-10 14:30)"), "\(saturday.stdout)")
    }
}
