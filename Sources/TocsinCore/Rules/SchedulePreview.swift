/// What `tocsinctl test` prints: the rule an event would go to and the notifications it
/// would get, without sending anything.
public enum SchedulePreview {
    /// The preview text and whether a rule matched.
    public static func render(_ event: Event, rules: RuleSet, now: Timestamp, silences: [Silence] = []) -> (text: String, matched: Bool) {
        guard let rule = rules.rule(for: event) else {
            return ("no rule matches \(event.logfmt)\n(tocsind would store it and log a warning; nobody is told)\n", false)
        }
        // The engine itself says when each step would fire: the escalation clock with the
        // silences and windows that would hold the incident.
        var engine = EscalationEngine(rules: rules, now: now)
        for silence in silences where silence.end > now { engine.insert(silence) }
        var probe = event
        probe.set("action", "open")
        if probe["at"] == nil { probe.set("at", String(now.seconds)) }
        var opened: [EngineAction] = []
        if case .success(let (_, actions)) = engine.receive(probe, now: now) { opened = actions }
        let incident = engine.openIncidents.first
        var out = "rule \(rule.name) (\(rule.location.file):\(rule.location.line))\n"
        if let incident, let holder = engine.holder(of: incident.number, at: now) {
            let hold = HoldLookup(silences: [], windows: [], zone: rules.settings.zone).describe(holder)
            out += "  held: \(hold) (its clock stands still; the times below count from the hold's end)\n"
        }
        var rows: [(String, String, String)] = []
        let began = event.at ?? now
        for index in rule.firingOrder {
            let step = rule.steps[index]
            let due =
                incident.flatMap { engine.stepDue(index, of: rule, $0) }
                ?? rules.clock.deadline(began: began, after: step.delay, working: step.working)
            let when = due.map { "  (due \(rules.settings.zone.shortString($0)))" } ?? "  (never: no working time ahead)"
            for name in step.contacts {
                if rules.rosters[name] != nil {
                    // A roster: whoever is on duty when the step would fire.
                    let member = rules.resolve(name, at: due ?? now)
                    rows.append(("+" + step.written, name.rawValue, "roster: \(member) on duty then, " + address(rules.contacts[member]) + when))
                } else {
                    rows.append(("+" + step.written, name.rawValue, address(rules.contacts[name]) + when))
                }
            }
        }
        let delayWidth = rows.map(\.0.count).max() ?? 0
        let nameWidth = rows.map(\.1.count).max() ?? 0
        for (delay, name, address) in rows {
            out += "  " + delay + String(repeating: " ", count: delayWidth - delay.count + 2)
            out += name + String(repeating: " ", count: nameWidth - name.count + 2) + address + "\n"
        }
        if let repetition = rule.repetition, let last = rule.lastStepIndex {
            let who = rule.steps[last].contacts.map(\.rawValue).joined(separator: " ")
            out += "  then every \(repetition.interval): \(who)"
            out += repetition.maxCount.map { " (at most \($0) times)\n" } ?? " (until resolved)\n"
        }
        out += "  steps stop when the incident is " + (rule.stopsOnAck ? "acknowledged or resolved\n" : "resolved\n")
        if let incident, let first = rule.firingOrder.first, let firstDue = engine.stepDue(first, of: rule, incident) {
            let actions = opened + engine.tick(now: max(now, firstDue))
            let subjects = actions.compactMap { action -> String? in
                if case .send(let message) = action { return message.subject }
                return nil
            }
            if let subject = subjects.first { out += "  first subject: \(HeaderText.sanitized(subject))\n" }
        }
        return (out, true)
    }

    static func address(_ contact: Contact?) -> String {
        guard let contact else { return "?" }
        switch contact.channel {
        case .mail(let addresses): return addresses.map { "<\($0)>" }.joined(separator: " ")
        case .exec(let path, let arguments): return "exec " + ([path] + arguments).joined(separator: " ")
        }
    }
}
