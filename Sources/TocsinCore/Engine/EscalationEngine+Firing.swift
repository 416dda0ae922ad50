/// Firing an incident's due steps and repeats, and what storm control does with their messages.
extension EscalationEngine {
    /// Fires every step of the incident that is due at `now`, in deadline order; repeats
    /// that fell due together (after downtime) are sent once. The actions are appended to
    /// `actions` (a storm's go straight into one array, not through one per firing).
    mutating func fireDue(_ number: IncidentNumber, now: Timestamp, into actions: inout [EngineAction]) {
        // One copy of the incident is worked on and stored once, the rule looked up once.
        guard var incident = incidents[number], let name = incident.rule, let rule = rules.rule(named: name) else {
            return
        }
        fireDue(&incident, rule: rule, now: now, into: &actions)
    }

    /// `fireDue(_:now:into:)` for an incident and its rule at hand (a new one: just stored).
    mutating func fireDue(_ incident: inout Incident, rule: Rule, now: Timestamp, into actions: inout [EngineAction]) {
        if rule.stopsOnAck && incident.state == .acked {
            guard let expiry = ackExpiry(incident, rule: rule), expiry <= now else {
                schedule(incident, rule: rule)
                return
            }
            expireAck(&incident, rule: rule, now: now, into: &actions)
        }
        var fired = false
        for index in rule.firingOrder where !incident.hasFired(index) {
            guard let deadline = stepDue(index, of: rule, incident), deadline <= now else { continue }
            let step = rule.steps[index]
            let firing = StepFiring(
                index: index, repeatNumber: nil, label: String(index + 1), contacts: onDuty(step.contacts, at: now),
                deadline: deadline)
            incident.firedSteps |= 1 << UInt64(index)
            fire(&incident, rule: rule, firing: firing, now: now, into: &actions)
            fired = true
        }
        if let repetition = rule.repetition, let last = rule.lastStepIndex, (0..<rule.steps.count).allSatisfy(incident.hasFired) {
            var due = incident.repeatsSent
            while due < (repetition.maxCount ?? Int.max), let at = repeatDue(due + 1, of: rule, incident), at <= now { due += 1 }
            if due > incident.repeatsSent {
                incident.repeatsSent = due
                let firing = StepFiring(
                    index: nil, repeatNumber: due, label: "repeat \(due)", contacts: onDuty(rule.steps[last].contacts, at: now),
                    deadline: repeatDue(due, of: rule, incident) ?? now)
                fire(&incident, rule: rule, firing: firing, now: now, into: &actions)
                fired = true
            }
        }
        if fired { incidents.storeProgress(incident) }
        schedule(incident, rule: rule)
    }

    /// The contacts a step names, with each roster replaced by its member on duty at
    /// `instant` (whom the timeline, the journal and `show` then record). Most steps name
    /// no roster: they are returned as they are.
    func onDuty(_ names: [ContactName], at instant: Timestamp) -> [ContactName] {
        guard !rules.rosters.isEmpty, names.contains(where: { rules.rosters[$0] != nil }) else { return names }
        var members: [ContactName] = []
        for name in names {
            let member = rules.resolve(name, at: instant)
            if !members.contains(member) { members.append(member) }
        }
        return members
    }

    /// One firing: record it, then a message per contact (through storm control).
    /// The caller stores the incident afterwards.
    mutating func fire(
        _ incident: inout Incident, rule: Rule, firing: StepFiring, now: Timestamp, into actions: inout [EngineAction]
    ) {
        // The messages are made first (the first one sent starts the thread), and go after
        // the firing's action. Most steps tell one contact: its message needs no array.
        var first: OutboundMessage?
        var more: [OutboundMessage] = []
        var next: String?? = nil  // worked out only for a message that shows it
        for name in firing.contacts {
            guard let contact = rules.contacts[name] else { continue }
            let gathered = storm.gathered(StormKey(contact: name, group: rule.name.rawValue), now: now)
            let detail: MessageDetail = gathered == 0 ? .full : gathered < MessageComposer.digestListLimit ? .subject : .counted
            if detail == .full, next == nil { next = .some(nextStepText(incident, rule: rule, after: firing)) }
            let message = composer.stepMessage(
                incident, rule: rule, firing: firing, contact: contact, rules: rules, next: next ?? nil, now: now,
                detail: detail)
            // A message a digest only counts is never sent: the thread starts with one that is.
            if incident.threadRoot == nil, !message.messageID.isEmpty { incident.threadRoot = message.messageID }
            if first == nil { first = message } else { more.append(message) }
        }
        for name in firing.contacts where !incident.told.contains(name) { incident.told.append(name) }
        ledger.stepsFired += 1
        actions.append(.stepFired(incident, firing))
        if let first { actions.append(gate(first, group: rule.name.rawValue, stormOff: rule.stormOff, now: now)) }
        for message in more { actions.append(gate(message, group: rule.name.rawValue, stormOff: rule.stormOff, now: now)) }
    }

    func nextStepText(_ incident: Incident, rule: Rule, after firing: StepFiring) -> String? {
        let zone = rules.settings.zone
        let words = rules.settings.language.catalog
        let pending = rule.firingOrder.filter { !incident.hasFired($0) && $0 != firing.index }
        if let index = pending.first {
            let due = stepDue(index, of: rule, incident) ?? incident.began + rule.steps[index].delay
            return words.nextStep(rule.steps[index].contacts.map(\.rawValue), at: zone.clockString(due), untilAck: rule.stopsOnAck)
        }
        if let repetition = rule.repetition {
            let sent = firing.repeatNumber ?? incident.repeatsSent
            if let maxCount = repetition.maxCount, sent >= maxCount { return nil }
            return words.nextRepeats(every: repetition.interval, max: repetition.maxCount)
        }
        return nil
    }

    mutating func gate(_ message: OutboundMessage, group: String, stormOff: Bool = false, now: Timestamp) -> EngineAction {
        if stormOff { return .send(message) }
        let key = StormKey(contact: message.contact, group: group)
        switch storm.offer(message, key: key, now: now) {
        case .send: return .send(message)
        case .hold(let until): return .hold(HeldMessage(message: message, key: key, releaseAt: until))
        }
    }
}
