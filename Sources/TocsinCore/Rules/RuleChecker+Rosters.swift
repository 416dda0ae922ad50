import Foundation

/// `roster` blocks (SPEC §13): members that are contacts (did you mean), a required
/// `fallback`, a valid `handoff`, day patterns, and dated lines that do not overlap.
extension RuleChecker {
    mutating func checkRosters(_ syntaxes: [RuleFileSyntax.Roster]) -> [ContactName: Roster] {
        var rosters: [ContactName: Roster] = [:]
        for syntax in syntaxes {
            let name = ContactName(syntax.name.text)
            if contacts[name] != nil {
                error("'\(syntax.name.text)' is both a contact and a roster: give the roster another name", syntax.name)
                continue
            }
            if rosters[name] != nil {
                error("roster '\(syntax.name.text)' is defined twice", syntax.name)
                continue
            }
            var valid = true
            var handoff = 0
            if let token = syntax.handoffs.first {
                if let time = TimeOfDay(parsing: token.text) {
                    handoff = time.hour * 60 + time.minute
                } else {
                    error("bad handoff time '\(token.text)': write HH:MM on the 24-hour clock, e.g. 08:30", token)
                    valid = false
                }
            }
            if syntax.handoffs.count > 1 { warning("'handoff' given twice; the first holds", syntax.handoffs[1]) }
            guard let fallbackLine = syntax.fallbacks.first else {
                error("roster '\(syntax.name.text)' has no fallback: add 'fallback CONTACT', who is told when nobody is on duty", syntax.name)
                continue
            }
            let fallback = member(fallbackLine.member)
            var roster = Roster(name: name, handoff: handoff, dated: [], holiday: nil, workday: nil, weekdays: [:], fallback: fallback ?? name)
            if fallback == nil { valid = false }
            for line in syntax.lines {
                guard line.members.count == 1 else {
                    error("a duty line names one member: \(line.pattern.text) CONTACT", line.members[1])
                    valid = false
                    continue
                }
                guard let who = member(line.members[0]) else {
                    valid = false
                    continue
                }
                if line.pattern.text.first?.isNumber == true {
                    guard let dated = datedLine(line.pattern, who, existing: roster.dated) else {
                        valid = false
                        continue
                    }
                    roster.dated.append(dated)
                    continue
                }
                for part in line.pattern.text.split(separator: ",").map(String.init) {
                    switch part {
                    case "holiday": roster.holiday = who
                    case "workday": roster.workday = who
                    default:
                        guard let days = dayRange(part, token: line.pattern) else {
                            valid = false
                            continue
                        }
                        for day in days { roster.weekdays[day] = who }
                    }
                }
            }
            if valid { rosters[name] = roster }
        }
        return rosters
    }

    private mutating func member(_ token: RuleToken) -> ContactName? {
        let name = ContactName(token.text)
        guard contacts[name] != nil else {
            error("unknown contact '\(token.text)'\(Suggestion.hint(for: token.text, among: contacts.keys.map(\.rawValue))): a roster's members are contacts", token)
            return nil
        }
        return name
    }

    private mutating func datedLine(_ token: RuleToken, _ who: ContactName, existing: [Roster.Dated]) -> Roster.Dated? {
        let ends = token.text.components(separatedBy: "..")
        let dates = ends.compactMap(CivilDate.init(parsing:))
        guard ends.count <= 2, dates.count == ends.count, let first = dates.first, let last = dates.last else {
            error("bad date '\(token.text)': write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD", token)
            return nil
        }
        guard first <= last else {
            error("the range ends before it starts: \(token.text)", token)
            return nil
        }
        if let clash = existing.first(where: { $0.first <= last && first <= $0.last }) {
            error("dated duty lines overlap: \(token.text) and \(clash.first)..\(clash.last)", token)
            return nil
        }
        return Roster.Dated(first: first, last: last, member: who)
    }

    /// `mon`, `mon-fri` (wrapping round the week: `fri-mon`), `daily`.
    private mutating func dayRange(_ text: String, token: RuleToken) -> [Int]? {
        if text == "daily" { return Array(0..<7) }
        if let days = RuleChecker.weekdays(text) { return days }
        let bad = text.split(separator: "-").map(String.init).first { !RuleChecker.weekdayNames.contains($0) } ?? text
        error(
            "unknown day '\(bad)'\(Suggestion.hint(for: bad, among: RuleChecker.weekdayNames + ["holiday", "workday"])): a duty line starts with days (mon,wed,fri; sat,sun,holiday; workday) or a date",
            token)
        return nil
    }
}
