/// The daily reports: when the next is due, and composing it from the day's ledger.
extension EscalationEngine {
    var nextReportDue: (report: Report, at: Timestamp)? {
        var best: (Report, Timestamp)?
        for report in rules.reports {
            let last = lastReports[report.time] ?? Timestamp(milliseconds: 0)
            let due = rules.settings.zone.nextOccurrence(of: report.time, after: last)
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
        for name in onDuty(report.contacts, at: now) {
            guard let contact = rules.contacts[name] else { continue }
            actions.append(
                .send(
                    composer.report(
                        ledger, open: Array(listed), openCount: all.count, contact: contact, time: report.time,
                        now: now, zone: rules.settings.zone)))
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
