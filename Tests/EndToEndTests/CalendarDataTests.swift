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
