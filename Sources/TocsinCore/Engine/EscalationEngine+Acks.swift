/// Acknowledgement timeouts (SPEC §16): under `stop on ack` with `ack-timeout` (or `ack
/// --for`, never longer), an ack holds the incident's clock instead of ending its
/// escalation; when it runs out with the incident still open, the incident is open again,
/// the one who acked and the contacts of its last step are told "ack expired", and the
/// steps go on, shifted by the time held.
extension EscalationEngine {
    /// How long an ack holds: the rule's `ack-timeout`, or the shorter `--for` asked.
    static func ackLength(rule: Rule, asked: RuleDuration?) -> RuleDuration? {
        switch (rule.ackTimeout, asked) {
        case (let timeout?, let asked?): min(timeout, asked)
        case (let timeout?, nil): timeout
        case (nil, let asked?): asked
        case (nil, nil): nil
        }
    }

    /// Records the hold of a new ack (ending an earlier one still running).
    mutating func recordAckHold(_ incident: Incident, asked: RuleDuration?, now: Timestamp, into actions: inout [EngineAction]) {
        guard let rule = incident.rule.flatMap({ rules.rule(named: $0) }), rule.stopsOnAck,
            let length = EscalationEngine.ackLength(rule: rule, asked: asked), let at = incident.ackedAt
        else { return }
        var holds = recorded[incident.number] ?? []
        if let index = holds.lastIndex(where: { $0.cause == .ack }), let until = holds[index].interval.until, until > at {
            holds[index].interval.until = at
            actions.append(.holdRecorded(incident.number, holds[index]))
        }
        let hold = RecordedHold(cause: .ack, interval: HeldInterval(from: at, until: at + length))
        holds.append(hold)
        recorded[incident.number] = holds
        actions.append(.holdRecorded(incident.number, hold))
    }

    /// When the incident's ack runs out; nil when it is not acked or its ack never does.
    func ackExpiry(_ incident: Incident, rule: Rule) -> Timestamp? {
        guard rule.stopsOnAck, incident.state == .acked, let at = incident.ackedAt, !recorded.isEmpty else { return nil }
        return recorded[incident.number]?.last { $0.cause == .ack && $0.interval.from == at }?.interval.until
    }

    /// The ack ran out: open again, and "ack expired" to the one who acked and the contacts
    /// of the last step that fired.
    mutating func expireAck(_ incident: inout Incident, rule: Rule, now: Timestamp, into actions: inout [EngineAction]) {
        let acker = incident.ackedBy
        incident.state = .open
        var messages: [EngineAction] = []
        defer {
            // Open again: no ack in force (the timeline keeps who acked and when).
            incident.ackedAt = nil
            store(incident)
            actions.append(.ackExpired(incident))
            actions += messages
        }
        var names: [ContactName] = []
        if let acker, rules.contacts[ContactName(acker)] != nil { names.append(ContactName(acker)) }
        if let last = rule.firingOrder.last(where: incident.hasFired) {
            for name in onDuty(rule.steps[last].contacts, at: now) where !names.contains(name) { names.append(name) }
        }
        for name in names {
            guard let contact = rules.contacts[name] else { continue }
            let message = composer.ackExpiredMessage(incident, contact: contact, rules: rules, now: now)
            messages.append(gate(message, group: rule.name.rawValue, stormOff: rule.stormOff, now: now))
        }
    }
}
