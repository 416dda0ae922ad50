/// `maintenance` statements (SPEC §14): the schedule forms and their diagnostics.
extension RuleChecker {
    mutating func checkMaintenance(_ statements: [RuleFileSyntax.Maintenance], zone: Zone) -> [MaintenanceWindow] {
        var windows: [MaintenanceWindow] = []
        var seen: [String: SourceLocation] = [:]
        for statement in statements {
            let name = statement.name.text
            if let first = seen[name] {
                error("maintenance window '\(name)' is defined twice", statement.name, notes: [note("first defined here", at: first, length: name.count)])
                continue
            }
            seen[name] = statement.name.range.start
            var matchers: [Matcher] = []
            var good = true
            for token in statement.matchers {
                if let matcher = checkMatcher(token) { matchers.append(matcher) } else { good = false }
            }
            guard let schedule = checkWindowSchedule(statement.schedule, zone: zone), good else { continue }
            windows.append(MaintenanceWindow(name: name, schedule: schedule, matchers: matchers, location: statement.keyword.range.start))
        }
        return windows
    }

    /// `daily 01:00-02:30`, `sun 00:00-06:00`, `sat,sun 22:00-06:00`, or
    /// `2026-12-12 22:00..2026-12-13 04:00` (times may carry seconds: 23:59:58).
    private mutating func checkWindowSchedule(_ tokens: [RuleToken], zone: Zone) -> MaintenanceWindow.Schedule? {
        let forms = "write daily HH:MM-HH:MM, DAYS HH:MM-HH:MM (sun 00:00-06:00) or YYYY-MM-DD HH:MM..YYYY-MM-DD HH:MM"
        if tokens.count == 3, CivilDate(parsing: tokens[0].text) != nil {
            // DATE TIME..DATE TIME
            let middle = tokens[1].text.split(separator: ".", omittingEmptySubsequences: true)
            guard tokens[1].text.contains(".."), middle.count == 2,
                let fromDate = CivilDate(parsing: tokens[0].text), let fromTime = RuleChecker.secondsOfDay(String(middle[0])),
                let toDate = CivilDate(parsing: String(middle[1])), let toTime = RuleChecker.secondsOfDay(tokens[2].text)
            else {
                error("bad maintenance range: \(forms)", tokens[1])
                return nil
            }
            let from = EscalationClock.instant(ofLocal: Int64(fromDate.dayNumber) * 86_400_000 + Int64(fromTime) * 1000, zone: zone)
            let until = EscalationClock.instant(ofLocal: Int64(toDate.dayNumber) * 86_400_000 + Int64(toTime) * 1000, zone: zone)
            guard until > from else {
                error("maintenance range ends before it begins: \(tokens.map(\.text).joined(separator: " "))", tokens[0])
                return nil
            }
            return .dated(from: from, until: until)
        }
        guard tokens.count == 2 else {
            error("bad maintenance schedule: \(forms)", tokens.first ?? tokens[0])
            return nil
        }
        let ends = tokens[1].text.split(separator: "-").map(String.init)
        guard ends.count == 2, let start = RuleChecker.secondsOfDay(ends[0]), let end = RuleChecker.secondsOfDay(ends[1]) else {
            error("bad maintenance hours '\(tokens[1].text)': write HH:MM-HH:MM (or HH:MM:SS), e.g. 01:00-02:30", tokens[1])
            return nil
        }
        guard start != end else {
            error("maintenance hours '\(tokens[1].text)' start and end at the same time", tokens[1])
            return nil
        }
        if tokens[0].text == "daily" { return .daily(start: start, end: end) }
        var days = Set<Int>()
        for part in tokens[0].text.split(separator: ",") {
            guard let range = RuleChecker.weekdays(String(part)) else {
                let bad = String(part)
                error("unknown day '\(bad)'\(Suggestion.hint(for: bad, among: RuleChecker.weekdayNames + ["daily"])): \(forms)", tokens[0])
                return nil
            }
            days.formUnion(range)
        }
        return .weekly(days: days, start: start, end: end)
    }

    /// `HH:MM` or `HH:MM:SS` (and `24:00`) as seconds after midnight.
    static func secondsOfDay(_ text: String) -> Int? {
        if text == "24:00" { return 86_400 }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        let s = parts.count == 3 ? Int(parts[2]) : 0
        guard let s, (0..<60).contains(s) else { return nil }
        return h * 3600 + m * 60 + s
    }
}
