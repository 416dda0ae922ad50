/// The daily reports: when the next is due, and composing it from the day's ledger.
extension EscalationEngine {
    var nextReportDue: (report: Report, at: Timestamp)? {
        var best: (Report, Timestamp)?
        for report in rules.reports {
            let last = lastReports[report.time] ?? Timestamp(milliseconds: 0)
            let zone = rules.settings.zone
            var due = zone.nextOccurrence(of: report.time, after: last)
            // `on workdays`: the next occurrence on a working day (at most a long holiday away).
            var tries = 0
            while report.onWorkdaysOnly, tries < 60, !rules.calendar.isWorkingDay(zone.date(of: due)) {
                due = zone.nextOccurrence(of: report.time, after: due)
                tries += 1
            }
            if best == nil || due < best!.1 { best = (report, due) }
        }
        return best
    }

    mutating func sendReport(_ report: Report, now: Timestamp) -> [EngineAction] {
        lastReports[report.time] = now
        let all = incidents.values
        let listed = all.sorted {
            ($0.severity ?? Int.max, $0.began, $0.number) < ($1.severity ?? Int.max, $1.began, $1.number)
        }.prefix(DayLedger.listLimit)
        var actions: [EngineAction] = [.reportSent(time: report.time, at: now)]
        let zone = rules.settings.zone
        let duty = rules.rosters.values.sorted { $0.name.rawValue < $1.name.rawValue }.map { roster in
            let today = roster.duty(at: now, zone: zone, calendar: rules.calendar)
            let tomorrow = roster.duty(at: today.until, zone: zone, calendar: rules.calendar)
            return (roster: roster.name.rawValue, today: today.member.rawValue, tomorrow: tomorrow.member.rawValue)
        }
        let missing = rules.calendar.yearsMissing(today: zone.date(of: now))
        for name in onDuty(report.contacts, at: now) {
            guard let contact = rules.contacts[name] else { continue }
            actions.append(
                .send(
                    composer.report(
                        ledger, open: Array(listed), openCount: all.count, contact: contact, time: report.time,
                        now: now, zone: zone, duty: duty, missingHolidayYears: missing, language: rules.settings.language)))
        }
        ledger = DayLedger()
        return actions
    }
}

extension Event {
    /// The event without `action`, which only steers processing and is not kept as a field.
    var withoutControlFields: Event {
        var copy = self
        copy.remove("action")
        return copy
    }
}
